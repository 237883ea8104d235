package io.bulwark.shared.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The readiness model: required and optional checks, timeouts, and the stopping state. */
class ReadinessTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static void await(Future<?> f) throws Exception {
    f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void notReadyUntilTheFirstRunThenFollowsTheRequiredChecks() throws Exception {
    AtomicBoolean dbUp = new AtomicBoolean(true);
    Readiness r = new Readiness(vertx, "probe", 500);
    r.register("db", true, () -> dbUp.get() ? Future.succeededFuture(new JsonObject().put("pool", 1))
        : Future.failedFuture("connection refused"));
    assertFalse(r.ready(), "ready before any check ran");
    assertEquals("starting", r.snapshot().getString("reason"));

    await(r.refresh());
    assertTrue(r.ready());
    JsonObject db = r.snapshot().getJsonObject("checks").getJsonObject("db");
    assertEquals("UP", db.getString("status"));
    assertEquals(1, db.getInteger("pool"));
    assertTrue(db.containsKey("latencyMs"));

    dbUp.set(false);
    await(r.refresh());
    assertFalse(r.ready());
    assertEquals("DOWN", r.snapshot().getString("status"));
    assertEquals("connection refused", r.snapshot().getJsonObject("checks").getJsonObject("db").getString("error"));
  }

  @Test
  void aCheckThatNeverAnswersFailsAfterItsTimeout() throws Exception {
    Readiness r = new Readiness(vertx, "probe", 200);
    r.register("hangs", true, () -> Promise.<JsonObject>promise().future());
    long start = System.nanoTime();
    await(r.refresh());
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertFalse(r.ready());
    assertEquals("DOWN", r.snapshot().getJsonObject("checks").getJsonObject("hangs").getString("status"));
    assertTrue(ms >= 150 && ms < 3000, "took " + ms + " ms");
  }

  @Test
  void anOptionalCheckDegradesButDoesNotFailReadiness() throws Exception {
    Readiness r = new Readiness(vertx, "probe", 500);
    r.register("db", true, () -> Future.succeededFuture());
    r.register("redis", false, () -> Future.failedFuture("down"));
    await(r.refresh());
    assertTrue(r.ready());
    assertEquals("DEGRADED", r.snapshot().getString("status"));
    assertEquals(false, r.snapshot().getJsonObject("checks").getJsonObject("redis").getBoolean("required"));
  }

  @Test
  void stoppingIsNotReadyWhateverTheChecksSay() throws Exception {
    Readiness r = new Readiness(vertx, "probe", 500);
    r.register("db", true, () -> Future.succeededFuture());
    await(r.refresh());
    assertTrue(r.ready());
    r.markStopping();
    assertFalse(r.ready());
    await(r.refresh());
    assertFalse(r.ready());
    assertEquals("shutting down", r.snapshot().getString("reason"));
  }
}
