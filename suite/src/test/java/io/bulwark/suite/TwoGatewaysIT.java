package io.bulwark.suite;

import static io.bulwark.suite.EventSliceIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import static org.junit.jupiter.api.Assertions.assertFalse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway processes and one audit-service, clustered, with a real upstream and the shared Redis: revocation and
 * suspension reach both within 1 s; both together admit exactly a rate limit; failures spread over both block a source
 * on both; request decisions reach the ledger,
 * wait in the spool while audit-service is away without holding up traffic, and arrive once each when it is back; and
 * no secret appears in any process's log.
 */
class TwoGatewaysIT {
  /** Per 24 h: one request's worth refills only every 288 s, so the whole volley sees exactly the burst. */
  private static final int LIMIT = 300;
  @TempDir
  static Path dir;
  private static GatewayPair pair;
  private static TestUpstream upstream;
  private static final List<String> secrets = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    upstream = new TestUpstream();
    Path routes = dir.resolve("routes.yaml");
    Files.writeString(routes, "routes:\n  - id: orders\n    path: /api\n    upstream: " + upstream.url() + "\n    auth: [api-key]\n"
        + "    rateLimit: [pair]\n");
    Map<String, String> env = new HashMap<>();
    env.put("BULWARK_KEY_CACHE_TTL_MS", "60000");
    env.put("REDIS_URL", TestRedis.url());
    env.put("BULWARK_ROUTES_FILE", routes.toString());
    env.put("BULWARK_RATE_LIMITS", "{\"pair\":{\"limit\":" + LIMIT + ",\"period\":\"24h\",\"scope\":\"key\"}}");
    env.put("BULWARK_TRUSTED_PROXIES", "127.0.0.1");
    env.put("BULWARK_AUTH_FAILURE_LIMIT", "6");
    env.put("BULWARK_AUTH_BLOCK_MS", "60000");
    env.put("BULWARK_AUDIT_SPOOL_RETRY_MS", "200");
    // three JVMs and the load share two cores: a starved Redis round trip must not count as Redis being down here
    env.put("BULWARK_RATE_LIMIT_REDIS_TIMEOUT_MS", "3000");
    env.put("BULWARK_AUDIT_SPOOL_RETRY_MAX_MS", "1000");
    pair = new GatewayPair("two_gateways", dir, env);
    secrets.add(SuiteHarness.ADMIN_KEY);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      pair.close();
      String logs = pair.output();
      for (String secret : secrets) {
        assertFalse(logs.contains(secret), "a secret reached a log line");
        assertFalse(logs.contains(secret.substring(secret.length() - 20)), "part of a secret reached a log line");
      }
    } finally {
      upstream.close();
    }
  }

  @Test
  void revocationReachesBothInstancesWithinOneSecond() {
    Tenants.create(pair.gateway(0), "bcast");
    JsonObject issued = Tenants.issue(pair.gateway(0), "bcast", "audit:read");
    String secret = issued.getString("secret");
    secrets.add(secret);
    warm(secret);
    HttpResponse<String> r = Tenants.admin("DELETE", pair.gateway(1) + "/admin/tenants/bcast/keys/" + issued.getJsonObject("key").getString("id"), null);
    assertEquals(200, r.statusCode(), r.body());
    long[] ms = refusedWithin(secret, 401);
    System.out.printf("key broadcast: revoked key refused after %d ms (instance 0) and %d ms (instance 1)%n", ms[0], ms[1]);
    assertProblem(Tenants.getWith(pair.gateway(0) + "/v1/audit/entries", secret), 401, "auth.revoked_key");
  }

  @Test
  void suspensionReachesBothInstancesWithinOneSecond() {
    Tenants.create(pair.gateway(1), "bsusp");
    String secret = Tenants.issue(pair.gateway(1), "bsusp", "audit:read").getString("secret");
    secrets.add(secret);
    warm(secret);
    assertEquals(200, Tenants.admin("POST", pair.gateway(0) + "/admin/tenants/bsusp/suspend", null).statusCode());
    long[] ms = refusedWithin(secret, 403);
    System.out.printf("key broadcast: suspended tenant refused after %d ms (instance 0) and %d ms (instance 1)%n", ms[0], ms[1]);
    assertEquals(200, Tenants.admin("POST", pair.gateway(1) + "/admin/tenants/bsusp/resume", null).statusCode());
    refusedWithin(secret, 200);
  }

  @Test
  void bothInstancesTogetherAdmitExactlyTheLimit() throws Exception {
    Tenants.create(pair.gateway(0), "limited");
    String key = Tenants.issue(pair.gateway(0), "limited", "read").getString("secret");
    secrets.add(key);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    int total = LIMIT * 4;
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(32);
    for (int i = 0; i < total; i++) {
      inFlight.acquire();
      answers.add(client.sendAsync(HttpRequest.newBuilder(URI.create(pair.gateway(i % 2) + "/api/x")).header("X-API-Key", key)
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> inFlight.release()));
    }
    int ok = 0;
    int limited = 0;
    int[] okPer = new int[2];
    for (int i = 0; i < total; i++) {
      HttpResponse<String> r = answers.get(i).get(60, TimeUnit.SECONDS);
      if (r.statusCode() == 200) {
        ok++;
        okPer[i % 2]++;
      } else if (r.statusCode() == 429) {
        limited++;
        assertEquals("0", r.headers().firstValue("RateLimit-Remaining").orElseThrow());
        assertTrue(r.headers().firstValue("Retry-After").isPresent());
      }
    }
    System.out.printf("two gateways: %d of %d admitted against a limit of %d (%d + %d), %d refused%n", ok, total, LIMIT,
        okPer[0], okPer[1], limited);
    for (int i = 0; i < 2; i++) {
      String m = Http.get(pair.management(i) + "/metrics").body();
      assertFalse(m.matches("(?s).*bulwark_ratelimit_decisions_total\\{[^}]*mode=\"local\"[^}]*} [1-9].*"),
          "instance " + i + " decided locally, so Redis was not used for every request");
    }
    assertEquals(LIMIT, ok, "the two instances together admit exactly the limit");
    assertEquals(total - LIMIT, limited);
    assertTrue(okPer[0] > 0 && okPer[1] > 0, "both instances admitted some");
  }

  @Test
  void decisionsWaitInTheSpoolWhileAuditIsAwayAndArriveOnce() throws Exception {
    Tenants.create(pair.gateway(0), "spooled");
    String key = Tenants.issue(pair.gateway(0), "spooled", "read").getString("secret");
    secrets.add(key);
    pair.stopAudit();
    List<String> requestIds = new ArrayList<>();
    try {
      for (int i = 0; i < 40; i++) {
        HttpResponse<String> r = Http.get(pair.gateway(i % 2) + "/api/spool", "X-API-Key", key);
        assertEquals(200, r.statusCode(), "traffic does not wait for the ledger: " + r.body());
        requestIds.add(r.headers().firstValue("x-request-id").orElseThrow());
      }
      try (Connection c = pair.db.jdbc(); Statement s = c.createStatement()) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        long rows = 0;
        while (System.nanoTime() < deadline && rows < 40) {
          try (ResultSet rs = s.executeQuery("SELECT count(*) FROM gateway.audit_spool WHERE event->>'tenant' = 'spooled'")) {
            rs.next();
            rows = rs.getLong(1);
          }
          Http.sleep(200);
        }
        assertEquals(40, rows, "the decisions wait in gateway.audit_spool");
      }
    } finally {
      pair.startAudit();
    }
    try (Connection c = pair.db.jdbc(); Statement s = c.createStatement()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      Map<String, Integer> seen = new HashMap<>();
      while (System.nanoTime() < deadline) {
        seen.clear();
        try (ResultSet rs = s.executeQuery("SELECT request_id, count(*) FROM audit.entries WHERE tenant = 'spooled'"
            + " AND action = 'auth.success' GROUP BY request_id")) {
          while (rs.next()) {
            seen.put(rs.getString(1), rs.getInt(2));
          }
        }
        if (seen.keySet().containsAll(requestIds)) {
          break;
        }
        Http.sleep(200);
      }
      for (String id : requestIds) {
        assertEquals(1, seen.getOrDefault(id, 0), "request " + id + " is in the ledger exactly once");
      }
      // the rows leave the table just after the ledger's acknowledgement
      long left = -1;
      long drainDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (left != 0 && System.nanoTime() < drainDeadline) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM gateway.audit_spool WHERE event->>'tenant' = 'spooled'")) {
          rs.next();
          left = rs.getLong(1);
        }
        Http.sleep(100);
      }
      assertEquals(0, left, "the spool drained");
    }
    String metrics = Http.get(pair.management(0) + "/metrics").body() + Http.get(pair.management(1) + "/metrics").body();
    assertTrue(metrics.contains("bulwark_gateway_audit_spool_delivered_total{path=\"spool\""), metrics);
  }

  @Test
  void failuresSpreadOverBothInstancesBlockTheSourceOnBoth() {
    String attacker = "10.9.0.1";
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> r = Http.get(pair.gateway(i % 2) + "/v1/audit/entries", "X-API-Key", "guess-" + i, "X-Forwarded-For", attacker);
      EventSliceIT.assertProblem(r, 401, "auth.invalid_key");
    }
    // neither instance saw six failures itself; each counted the other's through the bus
    for (int i = 0; i < 2; i++) {
      String url = pair.gateway(i) + "/v1/audit/entries";
      HttpResponse<String> blocked = null;
      long end = System.nanoTime() + 3_000_000_000L;
      do {
        blocked = Http.get(url, "Authorization", "Bearer " + SuiteHarness.ADMIN_KEY, "X-Forwarded-For", attacker);
      } while (blocked.statusCode() != 429 && System.nanoTime() < end);
      EventSliceIT.assertProblem(blocked, 429, "auth.blocked");
    }
    assertEquals(200, Http.get(pair.gateway(0) + "/v1/audit/entries", "Authorization", "Bearer " + SuiteHarness.ADMIN_KEY,
        "X-Forwarded-For", "10.9.0.2").statusCode(), "other sources are not blocked");
  }

  /** Makes both instances cache the key. */
  private static void warm(String secret) {
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> ok = Tenants.getWith(pair.gateway(i) + "/v1/audit/entries", secret);
      assertEquals(200, ok.statusCode(), ok.body());
    }
  }

  /** Milliseconds until each instance answers {@code status} for the key; fails past 1 s. */
  private static long[] refusedWithin(String secret, int status) {
    long start = System.nanoTime();
    long[] ms = {-1, -1};
    while ((ms[0] < 0 || ms[1] < 0) && System.nanoTime() - start < 1_000_000_000L) {
      for (int i = 0; i < 2; i++) {
        if (ms[i] < 0 && Tenants.getWith(pair.gateway(i) + "/v1/audit/entries", secret).statusCode() == status) {
          ms[i] = (System.nanoTime() - start) / 1_000_000;
        }
      }
    }
    assertTrue(ms[0] >= 0 && ms[1] >= 0, "not every instance answered " + status + " within 1 s: " + ms[0] + ", " + ms[1]);
    return ms;
  }
}
