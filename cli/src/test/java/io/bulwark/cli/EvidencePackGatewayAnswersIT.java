package io.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bulwark.ledger.BundleFixture;
import io.bulwark.ledger.NoteSigner;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evidence-pack} against a stand-in gateway on loopback that answers what the real one may answer in bad
 * moments (503 with a problem code, 500, silence, a malformed export, another tenant's entries), run in-process.
 */
class EvidencePackGatewayAnswersIT {
  private static final NoteSigner LOG = NoteSigner.generate(BundleFixture.ORIGIN);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "fake-gateway-admin-key-0123456789";
  private static final String PREFIX = "bulwark evidence-pack: ";

  @TempDir
  Path dir;

  private HttpServer server;
  private ExecutorService executor;

  /** What the stand-in answers: status, body and request id per path. */
  private interface Gateway {
    Reply answer(String path) throws Exception;
  }

  private record Reply(int status, String contentType, String body, String requestId) {
    static Reply problem(int status, String code, String detail, String requestId) {
      return new Reply(status, "application/problem+json", new JsonObject().put("status", status).put("code", code)
          .put("title", "t").put("detail", detail).put("requestId", requestId).encode(), requestId);
    }
  }

  private record Run(int exit, String out, String err) {
    List<String> failures() {
      return err.lines().filter(l -> l.startsWith(PREFIX)).toList();
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- out ---\n" + out + "--- err ---\n" + err;
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  @Test
  void bothReadsAreInFlightAtOnceAndAnOutageIsExitThreeWithItsCode() {
    CountDownLatch bothArrived = new CountDownLatch(2);
    String url = serve(path -> {
      bothArrived.countDown();
      // a client that waits for one answer before asking the next would leave this request alone for 3 s
      boolean together = bothArrived.await(3, TimeUnit.SECONDS);
      return path.startsWith("/admin/export")
          ? Reply.problem(500, "internal.error", "internal error", "rid-export")
          : Reply.problem(503, "db.unavailable", together ? "both in flight" : "alone", "rid-report");
    });
    Run r = run("--base-url", url, "--org", "acme", "--token", TOKEN, "--out", dir.resolve("pack").toString());
    assertFailure(r, 3);
    String line = r.failures().get(0);
    // the 503's code explains the outage better than the sibling's 500, so it leads; both request ids are kept
    assertTrue(line.contains("answered 503 db.unavailable to GET /compliance/report?tenant=acme: both in flight "
        + "(request id rid-report); also GET /admin/export/acme answered 500 internal.error (request id rid-export)"),
        r.toString());
    assertNothingWritten();
  }

  @Test
  void auditServiceAwayIsExitThreeAndAForbiddenKeyIsExitTwo() {
    String away = serve(path -> Reply.problem(503, "audit.unavailable", "audit-service is not reachable", "rid-1"));
    Run r = run("--base-url", away, "--org", "acme", "--token", TOKEN, "--out", dir.resolve("pack").toString());
    assertFailure(r, 3);
    assertTrue(r.failures().get(0).contains("503 audit.unavailable") && r.failures().get(0).contains("(request id rid-1)"),
        r.toString());
    stop();

    String forbidden = serve(path -> Reply.problem(403, "auth.forbidden", "this kind of credential is not accepted here",
        "rid-2"));
    Run f = run("--base-url", forbidden, "--org", "acme", "--token", TOKEN, "--out", dir.resolve("pack").toString());
    assertFailure(f, 2);
    assertTrue(f.failures().get(0).contains("403 auth.forbidden to GET /admin/export/acme: this kind of credential is "
        + "not accepted here (request id rid-2)"), f.toString());
    assertNothingWritten();
  }

  @Test
  void aSilentGatewayTimesOutWithinTheLimit() {
    String url = serve(path -> {
      Thread.sleep(10_000);
      return Reply.problem(500, "internal.error", "late", "late");
    });
    long start = System.nanoTime();
    Run r = run("--base-url", url, "--org", "acme", "--token", TOKEN, "--out", dir.resolve("pack").toString(),
        "--timeout", "1");
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertFailure(r, 3);
    assertTrue(r.failures().get(0).endsWith("no answer within 1 s"), r.toString());
    assertTrue(ms < 5000, "took " + ms + " ms");
    assertNothingWritten();
  }

  @Test
  void anExportThatIsNotAnOrgExportIsExitOneAndLeavesNothing() {
    String url = serve(path -> path.startsWith("/admin/export")
        ? new Reply(200, "application/json", "{\"format\":\"bulwark-org-export/v1\",\"requestId\":\"x\"}", "rid-e")
        : new Reply(200, "application/json", "{\"format\":\"bulwark-compliance-report/v1\"}", "rid-r"));
    Run r = run("--base-url", url, "--org", "acme", "--token", TOKEN, "--out", dir.resolve("pack").toString());
    assertFailure(r, 1);
    assertTrue(r.failures().get(0).contains("(request id rid-e) is not a usable bulwark-org-export/v1: it has no audit member"),
        r.toString());
    assertNothingWritten();
  }

  @Test
  void aBundleHoldingAnotherTenantsEntriesIsKeptButNotVerified() throws Exception {
    // six entries of tenants t0, t1, t2 in turn: an export of t0 that leaks t1's and t2's
    BundleFixture ledger = new BundleFixture(6, LOG);
    String url = serve(exportOf(ledger.ledgerBundle(0, 6, 6)));
    Path pack = dir.resolve("pack");
    Run r = run("--base-url", url, "--org", "t0", "--token", TOKEN, "--out", pack.toString());
    assertEquals(1, r.exit(), r.toString());
    assertEquals(List.of(pack.toString(), "NOT verified: other-tenant-entries (see verification.json)"),
        r.out().lines().toList());
    JsonObject v = new JsonObject(Files.readString(pack.resolve("verification.json")));
    assertTrue(v.getJsonObject("bundle").getBoolean("verified"), "the signatures are fine; whose entries is not");
    assertEquals(4L, v.getJsonObject("scope").getLong("otherTenantEntries"));
  }

  @Test
  void aSoundExportVerifiesAndTheBundleIsCutOutByteForByte() throws Exception {
    BundleFixture ledger = new BundleFixture(1, LOG);
    ObjectNode bundle = ledger.ledgerBundle(0, 1, 1);
    String url = serve(exportOf(bundle));
    Path pack = dir.resolve("pack");
    Run r = run("--base-url", url, "--org", "t0", "--token", TOKEN, "--out", pack.toString());
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().lines().toList().get(1).startsWith("verified: 1 entries of t0"), r.toString());
    assertEquals(JSON.writeValueAsString(bundle), Files.readString(pack.resolve("audit-bundle.json")));
    assertFalse((r.out() + r.err()).contains(TOKEN));
  }

  /** A stand-in that serves {@code bundle} as t0's export, its last checkpoint, an empty report and the trusted key. */
  private static Gateway exportOf(ObjectNode bundle) {
    return path -> {
      if (path.startsWith("/admin/export/")) {
        ObjectNode export = JSON.createObjectNode().put("format", "bulwark-org-export/v1");
        export.put("checkpoint", bundle.get("checkpoints").get(bundle.get("checkpoints").size() - 1).get("note").asText());
        export.set("audit", bundle);
        export.put("requestId", "rid-export");
        return new Reply(200, "application/json", JSON.writeValueAsString(export), "rid-export");
      }
      if (path.startsWith("/compliance/report")) {
        return new Reply(200, "application/json", "{\"format\":\"bulwark-compliance-report/v1\"}", "rid-report");
      }
      return new Reply(200, "text/plain", LOG.verifierKey().encode() + "\n", "rid-keys");
    };
  }

  private void assertFailure(Run r, int exit) {
    assertEquals(exit, r.exit(), r.toString());
    assertEquals(1, r.failures().size(), r.toString());
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.toString());
    assertFalse((r.out() + r.err()).contains(TOKEN), r.toString());
    assertEquals("", r.out(), r.toString());
  }

  private void assertNothingWritten() {
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(), files.toList(), "a failed run leaves nothing behind");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = Stream.concat(Stream.of("evidence-pack"), Stream.of(args)).toArray(String[]::new);
    int exit = BulwarkCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(all);
    return new Run(exit, out.toString(), err.toString());
  }

  private String serve(Gateway gateway) {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-gateway");
        t.setDaemon(true);
        return t;
      });
      server.setExecutor(executor);
      server.createContext("/", exchange -> handle(exchange, gateway));
      server.start();
      return "http://127.0.0.1:" + server.getAddress().getPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void handle(HttpExchange exchange, Gateway gateway) throws IOException {
    try (exchange) {
      if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        send(exchange, Reply.problem(401, "auth.invalid_key", "unknown key", "rid-401"));
        return;
      }
      send(exchange, gateway.answer(exchange.getRequestURI().toString()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  private static void send(HttpExchange exchange, Reply reply) throws IOException {
    byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", reply.contentType());
    exchange.getResponseHeaders().set("x-request-id", reply.requestId());
    exchange.sendResponseHeaders(reply.status(), bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
