package io.bulwark.suite;

import static io.bulwark.suite.EventSliceIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.Http;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code /health/detailed} reports every service's readiness checks with their latency, needs an admin key, and stays
 * fast when a service is gone; with audit-service gone, reports and evidence packs fail closed.
 */
class DetailedHealthIT {
  @Test
  void everyServiceIsReportedAndAStoppedOneIsDownAtOnce() throws Exception {
    try (SuiteHarness suite = new SuiteHarness("detailed_health")) {
      String url = suite.gateway() + "/health/detailed";
      assertProblem(Http.get(url), 401, "auth.missing_credentials");
      assertProblem(Http.get(url, "Authorization", "Bearer " + SuiteHarness.PREVIOUS_ADMIN_KEY + "x"), 401, "auth.invalid_key");
      // every service becomes ready within a few seconds of start
      HttpResponse<String> r = await(url, h -> "UP".equals(h.getString("status")));
      JsonObject h = Http.json(r);
      assertEquals("UP", h.getString("status"), r.body());
      assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
      for (String service : List.of("gateway", "audit", "backup", "alert")) {
        JsonObject s = h.getJsonObject("services").getJsonObject(service);
        assertEquals("UP", s.getString("status"), service + ": " + s.encode());
        JsonObject checks = s.getJsonObject("checks");
        assertTrue(checks.containsKey("db"), service + " reports its db check: " + s.encode());
        for (String name : checks.fieldNames()) {
          assertTrue(checks.getJsonObject(name).getLong("latencyMs") >= 0, service + "/" + name);
        }
      }
      assertTrue(h.getJsonObject("services").getJsonObject("audit").getJsonObject("checks").containsKey("signing-key"));

      suite.running.runner("backup").stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      long started = System.nanoTime();
      HttpResponse<String> down = Http.get(url, "Authorization", "Bearer " + SuiteHarness.ADMIN_KEY);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      JsonObject d = Http.json(down);
      assertEquals(200, down.statusCode());
      assertEquals("DOWN", d.getString("status"), down.body());
      JsonObject backup = d.getJsonObject("services").getJsonObject("backup");
      assertEquals("DOWN", backup.getString("status"));
      assertTrue(backup.getString("error").contains("not running"), backup.encode());
      assertEquals("UP", d.getJsonObject("services").getJsonObject("audit").getString("status"));
      assertTrue(tookMs < 1000, "a stopped service must not slow the answer down: " + tookMs + " ms");

      // audit-service gone: no report (its subject is the ledger) and no evidence pack is stored
      Tenants.create(suite.gateway(), "acme");
      suite.running.runner("audit").stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      HttpResponse<String> made = Tenants.admin("POST", suite.gateway() + "/compliance/evidence", "{\"tenant\":\"acme\"}");
      assertProblem(made, 503, "audit.unavailable");
      assertProblem(Tenants.admin("GET", suite.gateway() + "/compliance/report", null), 503, "audit.unavailable");
      try (Connection c = suite.db.jdbc(); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT count(*) FROM gateway.evidence_packs")) {
        rs.next();
        assertEquals(0, rs.getLong(1), "nothing half-written");
      }
    }
  }

  private static HttpResponse<String> await(String url, java.util.function.Predicate<JsonObject> done) {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    HttpResponse<String> last;
    do {
      last = Http.get(url, "Authorization", "Bearer " + SuiteHarness.ADMIN_KEY);
      if (last.statusCode() == 200 && done.test(Http.json(last))) {
        return last;
      }
      Http.sleep(200);
    } while (System.nanoTime() < end);
    return last;
  }
}
