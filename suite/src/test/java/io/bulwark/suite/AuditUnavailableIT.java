package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bulwark.shared.test.Http;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Fail closed: with audit-service gone the gateway answers 503 audit.unavailable, stores nothing and is not ready. */
class AuditUnavailableIT {
  @Test
  void gatewayFailsClosedWithoutTheLedger() throws Exception {
    try (SuiteHarness suite = new SuiteHarness("audit_unavailable")) {
      String ready = suite.management("gateway") + "/ready";
      assertEquals(200, Http.await(ready, Duration.ofSeconds(5), r -> r.statusCode() == 200).statusCode());

      suite.running.runner("audit").stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

      HttpResponse<String> r = Http.post(suite.gateway() + "/v1/events",
          "{\"actor\":\"alice\",\"action\":\"user.login\",\"outcome\":\"success\"}",
          "Authorization", "Bearer " + SuiteHarness.ADMIN_KEY, "Content-Type", "application/json");
      EventSliceIT.assertProblem(r, 503, "audit.unavailable");
      try (Connection c = suite.db.jdbc(); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT count(*) FROM audit.entries WHERE category = 'audit'" + EventSliceIT.CLIENT_EVENTS)) {
        rs.next();
        assertEquals(0, rs.getLong(1));
      }

      HttpResponse<String> notReady = Http.await(ready, Duration.ofSeconds(5), x -> x.statusCode() == 503);
      assertEquals(503, notReady.statusCode(), notReady.body());
      assertEquals("DOWN", Http.json(notReady).getJsonObject("checks").getJsonObject("bus:audit").getString("status"));
    }
  }
}
