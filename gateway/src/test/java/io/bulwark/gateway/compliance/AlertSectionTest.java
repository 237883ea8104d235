package io.bulwark.gateway.compliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.gateway.alert.AlertRequests;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.BusErrors;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The compliance report's {@code alerts} on a real event bus: counts by severity for everyone, the rest for operators,
 * and alert-service's absence or failure as a reported fact with {@code open: null}.
 */
class AlertSectionTest {
  private static final JsonObject SUMMARY = new JsonObject("""
      {"v":1,"open":{"critical":2,"warning":1},"byState":{"pending":0,"firing":2,"acknowledged":1},"silenced":1,
       "oldestOpenSince":"2026-11-23T20:00:00Z"}
      """);
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void operatorsSeeTheSummaryAndTenantsTheCounts() throws Exception {
    await(vertx.eventBus().<JsonObject>consumer(Addresses.ALERT_SUMMARY, m -> m.reply(SUMMARY.copy())).completion());
    AlertSection s = await(AlertSection.read(new AlertRequests(vertx.eventBus(), 1000)));
    JsonObject operator = s.forReport(true);
    assertEquals("reported", operator.getString("status"));
    assertEquals(new JsonObject().put("critical", 2L).put("warning", 1L).put("info", 0L), operator.getJsonObject("open"));
    assertEquals(3, operator.getLong("openTotal"));
    assertEquals(1, operator.getInteger("silenced"));
    assertEquals("2026-11-23T20:00:00Z", operator.getString("oldestOpenSince"));
    JsonObject tenant = s.forReport(false);
    assertEquals(operator.getJsonObject("open"), tenant.getJsonObject("open"));
    assertFalse(tenant.containsKey("byState") || tenant.containsKey("silenced") || tenant.containsKey("oldestOpenSince"));
  }

  @Test
  void anAbsentOrFailingAlertServiceIsReportedNotFailed() throws Exception {
    JsonObject absent = await(AlertSection.read(new AlertRequests(vertx.eventBus(), 1000))).forReport(true);
    assertEquals("unavailable", absent.getString("status"));
    assertTrue(absent.containsKey("open") && absent.getValue("open") == null, absent.encode());
    assertTrue(absent.getString("detail").contains("alert-service"), absent.encode());

    await(vertx.eventBus().<JsonObject>consumer(Addresses.ALERT_SUMMARY,
        m -> BusErrors.fail(m, new ApiException(503, ErrorCodes.DB_UNAVAILABLE, "the alert store is down"))).completion());
    JsonObject failing = await(AlertSection.read(new AlertRequests(vertx.eventBus(), 1000))).forReport(false);
    assertEquals("unavailable", failing.getString("status"));
    assertEquals("the alert store is down", failing.getString("detail"));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }
}
