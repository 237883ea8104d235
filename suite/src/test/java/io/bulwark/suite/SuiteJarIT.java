package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.ChildJvm;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run command from nothing: the suite jar with no DATABASE_URL starts its embedded PostgreSQL, all four services
 * become ready, a development admin key is generated and shown once, data survives a restart, Ctrl-C/SIGTERM is clean.
 */
class SuiteJarIT {
  private static final Path JAR = Path.of("target/bulwark-suite.jar");
  private static final Pattern KEY = Pattern.compile("bwk_admin_[A-Za-z0-9_-]{40,}");

  @TempDir
  Path dir;

  @Test
  void runsFromNothingKeepsItsDataAndStopsCleanly() throws Exception {
    Map<String, Integer> ports = new HashMap<>();
    Map<String, String> env = new HashMap<>();
    env.put("BULWARK_DATA_DIR", dir.resolve("data").toString());
    env.put("BULWARK_SHUTDOWN_DRAIN_MS", "200");
    for (String s : new String[] {"gateway", "audit", "backup", "alert"}) {
      int port = TestPostgres.freePort();
      ports.put(s, port);
      env.put(s.toUpperCase() + "_MANAGEMENT_PORT", Integer.toString(port));
    }
    int http = TestPostgres.freePort();
    env.put("GATEWAY_HTTP_PORT", Integer.toString(http));
    String gateway = "http://127.0.0.1:" + http;

    String key;
    long index;
    try (ChildJvm first = ChildJvm.start(JAR, env, dir.resolve("first.log"))) {
      long t0 = System.nanoTime();
      first.awaitOutput("Bulwark is up", Duration.ofSeconds(90));
      awaitAllReady(ports);
      long startMs = (System.nanoTime() - t0) / 1_000_000;
      String out = first.output();
      Matcher m = KEY.matcher(out);
      assertTrue(m.find(), "no generated admin key printed:\n" + out);
      key = m.group();
      assertFalse(m.find(), "the admin key was printed more than once");
      for (String line : out.split("\n")) {
        if (line.startsWith("{")) {
          assertFalse(line.contains(key), "the admin key reached a log line: " + line);
        }
      }
      assertTrue(out.contains(gateway), "gateway URL not printed");
      for (int port : ports.values()) {
        assertTrue(out.contains("http://127.0.0.1:" + port + "/ready"), "management URL not printed: " + port);
      }
      HttpResponse<String> created = Http.post(gateway + "/v1/events",
          "{\"actor\":\"ops\",\"action\":\"suite.check\",\"outcome\":\"success\"}",
          "Authorization", "Bearer " + key, "Content-Type", "application/json");
      assertEquals(201, created.statusCode(), created.body());
      index = Http.json(created).getLong("index");
      long rssKb = rssKb(first.process().pid());
      System.out.printf("suite jar: ready in %d ms (embedded PostgreSQL initialised from nothing), RSS %d MiB%n", startMs, rssKb / 1024);
      assertEquals(0, first.terminate(Duration.ofSeconds(30)), first.output());
      String log = first.output();
      for (String s : new String[] {"gateway", "audit", "backup", "alert"}) {
        assertTrue(log.contains("\"" + s + " shut down cleanly\""), s + " did not shut down cleanly:\n" + log);
      }
    }
    assertTrue(Files.exists(dir.resolve("data/postgres/postgresql.conf")), "embedded data directory not kept");

    try (ChildJvm second = ChildJvm.start(JAR, env, dir.resolve("second.log"))) {
      long t0 = System.nanoTime();
      second.awaitOutput("Bulwark is up", Duration.ofSeconds(90));
      awaitAllReady(ports);
      long restartMs = (System.nanoTime() - t0) / 1_000_000;
      assertFalse(KEY.matcher(second.output()).find(), "a second admin key was generated on restart");
      HttpResponse<String> read = Http.get(gateway + "/v1/events/" + index, "Authorization", "Bearer " + key);
      assertEquals(200, read.statusCode(), "event lost across restart: " + read.body());
      System.out.printf("suite jar: restart ready in %d ms, RSS at idle %d MiB%n", restartMs, rssKb(second.process().pid()) / 1024);
      assertEquals(0, second.terminate(Duration.ofSeconds(30)), second.output());
    }
  }

  private static void awaitAllReady(Map<String, Integer> ports) {
    for (var e : ports.entrySet()) {
      HttpResponse<String> r = Http.await("http://127.0.0.1:" + e.getValue() + "/ready", Duration.ofSeconds(20),
          x -> x.statusCode() == 200);
      assertEquals(200, r == null ? -1 : r.statusCode(), e.getKey() + " not ready: " + (r == null ? "no answer" : r.body()));
    }
  }

  static long rssKb(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
