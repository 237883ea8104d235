package io.bulwark.alert.notify;

import static io.bulwark.alert.notify.OutboxBed.await;
import static io.bulwark.alert.notify.OutboxBed.quietly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.alert.AlertService;
import io.bulwark.shared.db.Database;
import io.bulwark.shared.test.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The outbox admin API (stats, durable pause, resume, clean, validation) and two dispatchers sharing one database. */
class OutboxAdminIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private OutboxBed bed;
  private TestReceiver receiver;

  @BeforeEach
  void setUp() throws Exception {
    bed = new OutboxBed("notify_admin");
    receiver = new TestReceiver(bed.vertx, TestPostgres.freePort(), OutboxBed.SECRETS).start();
  }

  @AfterEach
  void tearDown() throws Exception {
    receiver.close();
    bed.close();
  }

  private static JsonObject op(String op) {
    return new JsonObject().put("op", op).put("actor", "ops@example");
  }

  @Test
  void pauseSurvivesARestartStopsDeliveryNotEnqueueingAndResumeDelivers() throws Exception {
    String first = bed.deploy(receiver.port, 5);
    JsonObject paused = bed.admin(op("pause"));
    assertEquals(true, paused.getJsonObject("stats").getBoolean("paused"));
    bed.fire("WhilePaused", Map.of());
    await("enqueued while paused", WAIT, quietly(() -> bed.count("status = 'pending'") == 1));
    Thread.sleep(400);
    bed.undeploy(first);
    bed.deploy(receiver.port, 5);
    Thread.sleep(400);
    assertEquals(0, receiver.all.size(), "nothing sent while paused, before or after the restart");
    JsonObject stats = bed.admin(op("stats")).getJsonObject("stats");
    assertEquals(true, stats.getBoolean("paused"));
    assertEquals(1L, stats.getLong("pending"));
    assertEquals(1L, stats.getJsonObject("byReceiver").getJsonObject("hook").getLong("pending"));
    assertTrue(stats.getDouble("oldestPendingAgeSeconds") > 0.3);
    bed.admin(op("resume"));
    await("delivered after resume", WAIT, () -> receiver.accepted().size() == 1);
    await("stats show it", WAIT, () -> bed.admin(op("stats")).getJsonObject("stats").getLong("delivered") == 1L);
  }

  @Test
  void theDispatcherPlansOnAnEventLoopOfItsOwnNotOnItsCallers() throws Exception {
    java.util.concurrent.CompletableFuture<Object[]> seen = new java.util.concurrent.CompletableFuture<>();
    bed.vertx.deployVerticle(new io.vertx.core.VerticleBase() {
      @Override
      public io.vertx.core.Future<?> start() {
        return Notifications.start(vertx, ReceiversFile.parse("it.yaml", OutboxBed.receivers(receiver.port)),
            OutboxBed.settings(5), bed.database.pool(), bed.metrics, java.time.Clock.systemUTC())
            .onSuccess(n -> seen.complete(new Object[] {context, n.dispatcher().context()}));
      }
    });
    Object[] contexts = seen.get(20, java.util.concurrent.TimeUnit.SECONDS);
    io.vertx.core.Context caller = (io.vertx.core.Context) contexts[0];
    io.vertx.core.Context dispatcher = (io.vertx.core.Context) contexts[1];
    assertTrue(dispatcher.isEventLoopContext());
    // a full planning pass over a flood of open alerts takes seconds: on the caller's loop it held up the alert lane
    assertTrue(caller != dispatcher, "the dispatcher must not share the deploying verticle's context");
  }

  @Test
  void cleanDeletesOldDeliveredAndDeadRows() throws Exception {
    bed.deploy(receiver.port, 5);
    receiver.answer = r -> r.body().contains("\"Bad\"") ? 404 : 200;
    bed.fire("Good", Map.of());
    bed.fire("Bad", Map.of());
    await("one delivered, one dead", WAIT, quietly(() -> bed.count("status = 'delivered'") == 1 && bed.count("status = 'dead'") == 1));
    assertEquals(0, bed.admin(op("clean").put("olderThanSeconds", 3600)).getInteger("affected"), "too young");
    assertEquals(1, bed.admin(op("clean").put("status", "dead").put("olderThanSeconds", 0)).getInteger("affected"));
    JsonObject after = bed.admin(op("clean").put("olderThanSeconds", 0));
    assertEquals(1, after.getInteger("affected"));
    assertEquals(0L, after.getJsonObject("stats").getLong("delivered"));
    assertEquals(0, bed.count("true"));
  }

  @Test
  void badRequestsAreRefusedWith400() {
    bed.deploy(receiver.port, 5);
    for (JsonObject bad : List.of(op("explode"), new JsonObject(), op("clean").put("status", "pending"),
        op("clean").put("olderThanSeconds", -1), op("redrive").put("ids", new JsonArray().add("x")))) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> bed.admin(bad));
      ReplyException re = (ReplyException) e.getCause().getCause();
      assertEquals(400, re.failureCode(), bad.encode());
      assertTrue(re.getMessage().contains("validation.failed"), re.getMessage());
    }
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> OutboxBed.get(bed.vertx.eventBus().request(io.bulwark.shared.bus.Addresses.ALERT_OUTBOX, new JsonObject().put("op", "stats"))));
    assertTrue(e.getCause().getCause().getMessage().contains("unsupported message version"));
  }

  @Test
  void twoDispatchersOnOneDatabaseNeverSendTwice() throws Exception {
    Vertx other = Vertx.vertx();
    try {
      Database otherDb = Database.open(other, bed.db.url(), "alert", AlertService.MIGRATION_HEAD, 4);
      bed.deploy(receiver.port, 100);
      bed.deploy(other, otherDb, receiver.port, 100);
      // a slow receiver widens the window in which both could pick the same row
      receiver.answer = r -> {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return 200;
      };
      List<UUID> ids = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        ids.add(bed.fire("Shared" + (i % 10), Map.of("n", Integer.toString(i))));
      }
      await("all firing delivered", WAIT, quietly(() -> bed.count("true") >= 10 && bed.count("status <> 'delivered'") == 0
          && bed.column("SELECT count(*) FROM alert.alerts WHERE notified_state IS NULL").get(0).equals(0L)));
      for (UUID id : ids) {
        bed.resolve(id);
      }
      await("all resolved delivered", WAIT, quietly(() -> bed.count("status <> 'delivered'") == 0
          && bed.column("SELECT count(*) FROM alert.alerts WHERE notified_state <> 'resolved'").get(0).equals(0L)));
      List<Long> arrived = receiver.accepted().stream().map(TestReceiver.Received::id).toList();
      assertEquals(arrived.size(), receiver.processedIds().size(), "no notification id arrived twice");
      assertEquals(bed.count("true"), arrived.size());
    } finally {
      OutboxBed.get(other.close());
    }
  }
}
