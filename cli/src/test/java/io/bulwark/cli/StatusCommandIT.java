package io.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.bulwark.shared.BuildInfo;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bulwark status} against real HTTP servers on loopback that answer {@code /ready} the way a management port
 * does, run in-process through picocli with its output captured.
 */
class StatusCommandIT {
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<ExecutorService> executors = new ArrayList<>();

  @AfterEach
  void stopServers() {
    servers.forEach(s -> s.stop(0));
    executors.forEach(ExecutorService::shutdownNow);
  }

  @Test
  void allReadyExitsZeroWithOneLinePerService() {
    String gateway = service(200, ready("gateway", "UP", check("db", "UP", true), check("bus:audit", "UP", true)), 0);
    String audit = service(200, ready("audit", "DEGRADED", check("db", "UP", true),
        check("redis", "DOWN", false).put("error", "timed out")), 0);

    Run run = run("status", "--url", gateway, "--url", audit);

    assertEquals(0, run.exitCode, run.toString());
    assertEquals(2, run.lines().size(), run.toString());
    assertTrue(run.lines().get(0).matches("gateway +UP +\\Q" + gateway + "\\E"), run.toString());
    assertTrue(run.lines().get(1).matches("audit +DEGRADED +\\Q" + audit + "\\E +redis \\(optional\\): timed out"),
        run.toString());
    assertEquals("", run.err);
  }

  @Test
  void oneDownExitsOneAndNamesTheFailingChecks() {
    String gateway = service(200, ready("gateway", "UP", check("db", "UP", true)), 0);
    String audit = service(503, ready("audit", "DOWN", check("db", "DOWN", true).put("error", "Connection refused"),
        check("migrations", "UP", true), check("signing-key", "DOWN", true)), 0);

    Run run = run("status", "--url", gateway, "--url", audit);

    assertEquals(1, run.exitCode, run.toString());
    assertEquals(2, run.lines().size(), run.toString());
    assertTrue(run.lines().get(0).matches("gateway +UP +\\Q" + gateway + "\\E"), run.toString());
    assertTrue(run.lines().get(1).matches("audit +DOWN +\\Q" + audit + "\\E +db: Connection refused; signing-key"),
        run.toString());
  }

  @Test
  void aStartingServiceShowsItsReason() {
    String backup = service(503, new JsonObject().put("status", "DOWN").put("service", "backup").put("reason", "starting")
        .put("checks", new JsonObject()), 0);

    Run run = run("status", "--url", backup + "/");

    assertEquals(1, run.exitCode, run.toString());
    assertTrue(run.lines().get(0).matches("backup +DOWN +\\Q" + backup + "/\\E +starting"), run.toString());
  }

  @Test
  void anUnreachableServiceIsOneClearLineWithoutAStackTrace() throws IOException {
    String ready = service(200, ready("gateway", "UP", check("db", "UP", true)), 0);
    String closed = "http://127.0.0.1:" + closedPort();

    Run run = run("status", "--url", closed, "--url", ready);

    assertEquals(1, run.exitCode, run.toString());
    assertEquals(2, run.lines().size(), run.toString());
    assertTrue(run.lines().get(0).matches("- +UNREACHABLE +\\Q" + closed + "\\E +connection refused"), run.toString());
    assertTrue(run.lines().get(1).startsWith("gateway"), "results keep the order of the arguments: " + run);
    assertFalse((run.out + run.err).contains("Exception") || (run.out + run.err).contains("\tat "), run.toString());
    assertEquals("", run.err);
  }

  @Test
  void somethingThatIsNotAManagementPortIsDown() {
    String other = plain(404, "<html>not found</html>");

    Run run = run("status", "--url", other);

    assertEquals(1, run.exitCode, run.toString());
    assertTrue(run.lines().get(0).matches("- +DOWN +\\Q" + other + "\\E +HTTP 404 without a readiness body.*"), run.toString());
  }

  @Test
  void servicesAreAskedInParallelAndASilentOneTimesOut() {
    String slow1 = service(200, ready("gateway", "UP"), 2000);
    String slow2 = service(200, ready("audit", "UP"), 2000);
    String silent = service(200, ready("alert", "UP"), 10_000);

    long start = System.nanoTime();
    Run run = run("status", "--url", slow1, "--url", slow2, "--url", silent);
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;

    assertEquals(1, run.exitCode, run.toString());
    assertTrue(run.lines().get(0).startsWith("gateway") && run.lines().get(1).startsWith("audit"), run.toString());
    assertTrue(run.lines().get(2).matches("- +UNREACHABLE +\\Q" + silent + "\\E +no answer within 3 s"), run.toString());
    // one after the other would take 2 + 2 + 3 s; in parallel the silent one's 3 s limit bounds the run
    assertTrue(elapsedMs < 5000, "took " + elapsedMs + " ms");
  }

  @Test
  void badUrlArgumentsExitTwo() {
    for (String bad : new String[] {"not a url", "ftp://127.0.0.1:9080", "127.0.0.1:9080", "http://", "http://h:1/?q=1"}) {
      Run run = run("status", "--url", bad);
      assertEquals(2, run.exitCode, bad + " -> " + run);
      assertTrue(run.err.contains("Invalid value for option '--url'"), run.toString());
      assertEquals("", run.out, run.toString());
    }
    Run missingValue = run("status", "--url");
    assertEquals(2, missingValue.exitCode, missingValue.toString());
    Run unknownOption = run("status", "--uri", "http://127.0.0.1:9080");
    assertEquals(2, unknownOption.exitCode, unknownOption.toString());
  }

  @Test
  void noCommandIsABadArgument() {
    Run run = run();
    assertEquals(2, run.exitCode, run.toString());
    assertTrue(run.err.contains("Usage: bulwark"), run.toString());
  }

  @Test
  void versionPrintsTheBuild() {
    Run run = run("version");
    assertEquals(0, run.exitCode, run.toString());
    assertEquals(List.of(BuildInfo.version()), run.lines());
  }

  // ---- helpers ----

  private record Run(int exitCode, String out, String err) {
    List<String> lines() {
      return out.isEmpty() ? List.of() : List.of(out.split("\\R"));
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out ---\n" + out + "--- err ---\n" + err;
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = BulwarkCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static JsonObject ready(String service, String status, JsonObject... checks) {
    JsonObject all = new JsonObject();
    for (JsonObject c : checks) {
      JsonObject entry = c.copy();
      all.put((String) entry.remove("name"), entry);
    }
    return new JsonObject().put("status", status).put("service", service).put("checks", all);
  }

  private static JsonObject check(String name, String status, boolean required) {
    return new JsonObject().put("name", name).put("status", status).put("required", required).put("latencyMs", 1);
  }

  /** A management port whose {@code /ready} answers {@code status} with {@code body} after {@code delayMs}. */
  private String service(int status, JsonObject body, long delayMs) {
    return serve(status, "application/json", body.encode(), delayMs);
  }

  private String plain(int status, String body) {
    return serve(status, "text/html", body, 0);
  }

  private String serve(int status, String contentType, String body, long delayMs) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-management-port");
        t.setDaemon(true);
        return t;
      });
      server.setExecutor(executor);
      server.createContext("/", exchange -> {
        try (exchange) {
          if (delayMs > 0) {
            Thread.sleep(delayMs);
          }
          boolean isReady = "/ready".equals(exchange.getRequestURI().getPath());
          byte[] bytes = (isReady ? body : "{\"error\":\"no such path\"}").getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", contentType);
          exchange.sendResponseHeaders(isReady ? status : 404, bytes.length);
          try (OutputStream os = exchange.getResponseBody()) {
            os.write(bytes);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      server.start();
      servers.add(server);
      executors.add(executor);
      return "http://127.0.0.1:" + server.getAddress().getPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A port nothing listens on (bound, then released). */
  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
