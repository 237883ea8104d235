package io.bulwark.gateway.spool;

import static io.bulwark.gateway.spool.SpoolFixture.await;
import static io.bulwark.gateway.spool.SpoolFixture.event;
import static io.bulwark.gateway.spool.SpoolFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.gateway.GatewayService;
import io.bulwark.gateway.spool.SpoolFixture.Spool;
import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.db.Migrations;
import io.bulwark.shared.test.LogCapture;
import io.bulwark.shared.test.TestPostgres;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The audit spool on real PostgreSQL, with a stand-in for audit-service on the event bus. */
class AuditSpoolIT {
  private static final Logger LOG = LoggerFactory.getLogger(AuditSpoolIT.class);
  private static TestPostgres db;
  private SpoolFixture fx;
  private Vertx vertx;
  private Pool pool;
  private LedgerStandIn ledger;

  @BeforeAll
  static void database() {
    db = TestPostgres.create("spool");
    Migrations.migrate(db.url(), "gateway", GatewayService.MIGRATION_HEAD);
  }

  @AfterAll
  static void dropDatabase() {
    db.close();
  }

  @BeforeEach
  void setUp() {
    fx = new SpoolFixture(db);
    fx.truncate();
    vertx = fx.vertx();
    pool = fx.pool(vertx);
    ledger = new LedgerStandIn();
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  @Test
  void deliversDirectlyInBatchesWhenAuditAnswers() {
    await(ledger.register(vertx));
    Spool s = fx.started(vertx, pool, new JsonObject());
    int n = 5000;
    for (int i = 0; i < n; i++) {
      assertTrue(s.offer(event(i)));
    }
    eventually("all delivered", () -> ledger.committedCount() == n, () -> s.spool().status().encode());
    assertEquals(0, ledger.duplicates());
    assertTrue(ledger.batchSizes().stream().allMatch(b -> b >= 1 && b <= 1000), ledger.batchSizes().toString());
    assertEquals(n, requestIds(ledger).size(), "every offered event arrived once");
    eventually("counted", () -> s.delivered(DeliveryPath.DIRECT) == n, () -> s.spool().status().encode());
    assertEquals(0, s.spooled());
    assertEquals(0, fx.tableRows());
    assertEquals(0.0, s.depth("memory"));
  }

  @Test
  void spoolsWhileAuditIsDownAndDrainsOldestFirstWhenItReturns() {
    try (LogCapture logs = new LogCapture()) {
      Spool s = fx.started(vertx, pool, new JsonObject());
      int n = 2500;
      for (int i = 0; i < n; i++) {
        assertTrue(s.offer(event(i)));
      }
      eventually("all in the table", () -> fx.tableRows() == n, () -> s.spool().status().encode());
      eventually("database depth shown", () -> s.depth("database") == n, () -> s.spool().status().encode());
      assertEquals(n, s.spooled());
      assertEquals(0.0, s.depth("memory"));
      assertFalse(s.spool().status().getBoolean("auditReachable"));
      List<String> tableOrder = fx.tableIds();
      JsonObject storedFirst = fx.tableEvent(tableOrder.get(0));

      Instant back = Instant.now();
      await(ledger.register(vertx));
      eventually("all drained", () -> ledger.committedCount() == n, () -> s.spool().status().encode());
      assertEquals(tableOrder, ledger.arrivalOrder(), "drained oldest first, each id once");
      assertEquals(0, ledger.duplicates());
      assertEquals(n, requestIds(ledger).size());
      eventually("table empty", () -> fx.tableRows() == 0, () -> "rows left");
      eventually("delivered from the spool", () -> s.delivered(DeliveryPath.SPOOL) == n, () -> s.spool().status().encode());
      eventually("depth back to 0", () -> s.depth("database") == 0, () -> s.spool().status().encode());

      // the time of the decision, not of the append, travels with the event
      String occurredAt = ledger.event(tableOrder.get(0)).getJsonObject("details").getString("occurredAt");
      assertEquals(storedFirst.getJsonObject("details").getString("occurredAt"), occurredAt);
      assertTrue(occurredAt.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), occurredAt);
      assertTrue(Instant.parse(occurredAt).isBefore(back), occurredAt + " is before audit-service came back at " + back);

      eventually("recovery logged", () -> count(logs, "audit.spool.recovered") == 1, logs::raw);
      assertEquals(1, count(logs, "audit.spool.degraded"), "one warning for the outage, not one per batch");
    }
  }

  @Test
  void aBatchCommittedAfterItsTimeoutIsRecognisedWhenResent() {
    await(ledger.register(vertx));
    ledger.answerNextLate(1200);
    Spool s = fx.started(vertx, pool, new JsonObject().put(SpoolSettings.TIMEOUT_MS, 300));
    int n = 3000;
    for (int i = 0; i < n; i++) {
      assertTrue(s.offer(event(i)));
    }
    eventually("all delivered", () -> ledger.committedCount() == n, () -> s.spool().status().encode());
    eventually("the timed-out batch sent again", () -> !ledger.lateIds().isEmpty()
        && ledger.duplicatedIds().equals(ledger.lateIds()), () -> s.spool().status().encode());
    eventually("table empty", () -> fx.tableRows() == 0, () -> s.spool().status().encode());
    assertEquals(n, requestIds(ledger).size(), "the ids delivered are the ids offered");
    assertEquals(ledger.lateIds().size(), ledger.duplicates(), "duplicates come only from the timed-out batch, once each");
    assertTrue(s.delivered(DeliveryPath.SPOOL) > 0);
  }

  @Test
  void memoryBoundRefusesExactlyWhatDoesNotFitWhenAuditAndDatabaseAreDown() {
    Vertx other = fx.vertx();
    Pool closed = fx.closedPool(other);
    // no flush during the loop: the bound alone decides
    Spool held = fx.started(other, closed, new JsonObject().put(SpoolSettings.MEMORY, 100).put(SpoolSettings.FLUSH_MS, 60_000)
        .put(SpoolSettings.STOP_MS, 300));
    int refused = 0;
    for (int i = 0; i < 250; i++) {
      refused += held.offer(event(i)) ? 0 : 1;
    }
    assertEquals(150, refused);
    assertEquals(150, held.dropped(DropReason.MEMORY_FULL));
    assertEquals(100.0, held.depth("memory"));

    // with flushing: batches leave memory, fail twice and come back where there is room
    Spool busy = fx.started(other, closed, new JsonObject().put(SpoolSettings.MEMORY, 100).put(SpoolSettings.FLUSH_MS, 5)
        .put(SpoolSettings.STOP_MS, 300));
    long accepted = 0;
    long falses = 0;
    for (int i = 0; i < 5000; i++) {
      if (busy.offer(event(i))) {
        accepted++;
      } else {
        falses++;
      }
      if (i % 100 == 0) {
        pause(2);
      }
    }
    eventually("a batch came back from the failed database",
        () -> busy.spool().status().getString("lastError", "").startsWith("database:"), () -> busy.spool().status().encode());
    JsonObject status = busy.spool().status();
    assertFalse(status.getBoolean("auditReachable"), status.encode());
    assertFalse(status.getBoolean("databaseReachable"), status.encode());
    await(busy.spool().stop());
    assertEquals(falses, busy.dropped(DropReason.MEMORY_FULL), "every refused offer counted as memory_full");
    assertEquals(accepted, busy.dropped(DropReason.DATABASE_UNAVAILABLE) + busy.dropped(DropReason.STOPPED),
        "every accepted event either waited in memory until stop or was dropped when it could not go back");
    assertEquals(0, busy.spooled());
  }

  @Test
  void rowBoundDropsWhatTheTableCannotHold() {
    ledger.mode(LedgerStandIn.Mode.FAIL_503);
    await(ledger.register(vertx));
    try (LogCapture logs = new LogCapture()) {
      Spool s = fx.started(vertx, pool, new JsonObject().put(SpoolSettings.MAX_ROWS, 50)
          .put(SpoolSettings.LOG_INTERVAL_MS, 100));
      for (int i = 0; i < 120; i++) {
        assertTrue(s.offer(event(i)));
      }
      eventually("the overflow dropped", () -> s.dropped(DropReason.SPOOL_FULL) == 70, () -> s.spool().status().encode());
      eventually("the table full", () -> s.spooled() == 50, () -> s.spool().status().encode());
      assertEquals(50, fx.tableRows());
      assertEquals(0, ledger.committedCount());
      assertTrue(s.spool().status().getString("lastError").startsWith("503"), s.spool().status().encode());

      eventually("depth and age shown", () -> s.depth("database") == 50
          && s.registry().scrape().contains("bulwark_gateway_audit_spool_oldest_age_seconds"), () -> s.registry().scrape());
      String scrape = s.registry().scrape();
      for (String line : List.of("bulwark_gateway_audit_spool_dropped_total{reason=\"spool_full\"} 70.0",
          "bulwark_gateway_audit_spool_depth{tier=\"database\"} 50.0", "bulwark_gateway_audit_spool_spooled_total 50.0",
          "bulwark_gateway_audit_spool_delivered_total{path=\"spool\"} 0.0")) {
        assertTrue(scrape.contains(line), line + " in\n" + scrape);
      }
      // while degraded, a periodic status line says how deep the spool is and what was dropped
      eventually("a status warning", () -> logs.lines().stream().anyMatch(l -> "audit.spool.status".equals(l.getString("event"))
          && l.getLong("databaseDepth") == 50 && l.getLong("droppedTotal") == 70), logs::raw);
      assertEquals(1, count(logs, "audit.spool.degraded"));
    }
  }

  @Test
  void twoGatewaysDrainOneTableWithoutSendingARowTwice() {
    Spool filler = fx.started(vertx, pool, new JsonObject());
    int n = 6000;
    for (int i = 0; i < n; i++) {
      assertTrue(filler.offer(event(i)));
    }
    eventually("all in the table", () -> fx.tableRows() == n, () -> filler.spool().status().encode());
    await(filler.spool().stop());

    Vertx second = fx.vertx();
    ledger.delay(30);
    await(ledger.register(vertx));
    await(ledger.register(second));
    Spool a = fx.spool(vertx, fx.pool(vertx), new JsonObject());
    Spool b = fx.spool(second, fx.pool(second), new JsonObject());
    await(a.spool().start());
    await(b.spool().start());
    eventually("all drained", () -> ledger.committedCount() == n, () -> a.spool().status() + " " + b.spool().status());
    eventually("table empty", () -> fx.tableRows() == 0, () -> "rows left");
    assertEquals(0, ledger.duplicates(), "SKIP LOCKED: no row went out twice");
    eventually("counted", () -> a.delivered(DeliveryPath.SPOOL) + b.delivered(DeliveryPath.SPOOL) == n,
        () -> a.spool().status() + " " + b.spool().status());
    LOG.info("two drainers shared {} rows: {} and {}", n, a.delivered(DeliveryPath.SPOOL), b.delivered(DeliveryPath.SPOOL));
  }

  @Test
  void stopMovesMemoryIntoTheTableWhenAuditDoesNotAnswer() {
    ledger.mode(LedgerStandIn.Mode.SILENT);
    await(ledger.register(vertx));
    // fewer than a batch and no flush tick: everything is still in memory when stop() runs
    Spool s = fx.started(vertx, pool, new JsonObject().put(SpoolSettings.FLUSH_MS, 60_000).put(SpoolSettings.STOP_MS, 3000));
    for (int i = 0; i < 900; i++) {
      assertTrue(s.offer(event(i)));
    }
    assertEquals(900.0, s.depth("memory"));
    await(s.spool().stop());
    assertEquals(900, fx.tableRows());
    assertEquals(900, s.spooled());
    assertEquals(0.0, s.depth("memory"));
    assertFalse(s.offer(event(1)), "a stopped spool refuses");
    assertEquals(1, s.dropped(DropReason.STOPPED));
  }

  @Test
  void invalidEventsAreRefusedAtTheSource() {
    await(ledger.register(vertx));
    Spool s = fx.started(vertx, pool, new JsonObject());
    AuditEvent good = event(1);
    assertFalse(s.offer(new AuditEvent("audit", "t", "a", "auth.success", "maybe", null, null, null, new JsonObject())));
    assertFalse(s.offer(new AuditEvent("audit", "t", "a", "Auth Success", "success", null, null, null, null)));
    assertFalse(s.offer(new AuditEvent("audit", "t", "a", "auth.success", "success", null, null, null,
        new JsonObject().put("big", Long.MAX_VALUE))));
    assertFalse(s.offer(null));
    // valid for the ledger, but jsonb cannot hold it, so it could never be spooled
    assertFalse(s.offer(new AuditEvent("audit", "t", "a", "auth.success", "success", null, null, null,
        new JsonObject().put("path", new io.vertx.core.json.JsonArray().add("a\u0000b")))));
    assertEquals(5, s.dropped(DropReason.INVALID));
    assertTrue(s.offer(good));
    eventually("the valid one delivered", () -> ledger.committedCount() == 1, () -> s.spool().status().encode());
    assertFalse(good.details().containsKey("occurredAt"), "the caller's details object is not changed");
  }

  @Test
  void aBatchAuditRejectsIsDroppedNotRetried() {
    ledger.mode(LedgerStandIn.Mode.REJECT_400);
    await(ledger.register(vertx));
    Spool s = fx.started(vertx, pool, new JsonObject());
    for (int i = 0; i < 10; i++) {
      assertTrue(s.offer(event(i)));
    }
    eventually("dropped as rejected", () -> s.dropped(DropReason.REJECTED) == 10, () -> s.spool().status().encode());
    assertEquals(0, fx.tableRows());
    assertEquals(0, s.spooled());
    assertTrue(s.spool().status().getBoolean("auditReachable"), "a rejection is an answer");
  }

  @Test
  void offeringTwoHundredThousandEventsNeverWaitsAndAllArrive() {
    await(ledger.register(vertx));
    int n = 200_000;
    Spool s = fx.started(vertx, pool, new JsonObject().put(SpoolSettings.MEMORY, n));
    // offered from an event loop, as the gateway's verticles do
    Promise<long[]> offered = Promise.promise();
    long start = System.nanoTime();
    vertx.getOrCreateContext().runOnContext(v -> {
      long accepted = 0;
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        accepted += s.offer(event(i)) ? 1 : 0;
      }
      offered.complete(new long[] {accepted, System.nanoTime() - t0});
    });
    long[] result = await(offered.future());
    assertEquals(n, result[0]);
    eventually("all delivered", () -> ledger.committedCount() == n, () -> s.spool().status().encode());
    long allMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(0, ledger.duplicates());
    assertEquals(0, fx.tableRows());
    LOG.info("offered {} events in {} ms ({} per second); all delivered after {} ms ({} per second)", n,
        result[1] / 1_000_000, (long) (n / (result[1] / 1e9)), allMs, n * 1000L / Math.max(1, allMs));
  }

  private static Set<String> requestIds(LedgerStandIn ledger) {
    Set<String> out = new HashSet<>();
    for (String id : ledger.committedIds()) {
      out.add(ledger.event(id).getString("requestId"));
    }
    return out;
  }

  private static long count(LogCapture logs, String event) {
    return logs.lines().stream().filter(l -> event.equals(l.getString("event"))).count();
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
