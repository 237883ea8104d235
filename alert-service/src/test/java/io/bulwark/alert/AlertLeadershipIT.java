package io.bulwark.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The leader lock against real PostgreSQL. An instance says "leader" (gauge, {@code /ready}, intake) only once its
 * takeover has finished: a failed or interrupted takeover is undone and frees the lock for another instance.
 */
class AlertLeadershipIT {
  private TestPostgres db;
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    db = TestPostgres.create("alert_leader");
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    db.close();
  }

  @Test
  void anInstanceLeadsOnlyOnceItsTakeoverHasFinished() throws Exception {
    Promise<Void> takeover = Promise.promise();
    AtomicInteger lost = new AtomicInteger();
    AlertLeadership first = leadership(() -> takeover.future(), lost);
    vertx.runOnContext(v -> first.start());
    Thread.sleep(500);
    assertFalse(first.leader(), "still loading its alerts: not the leader yet");
    takeover.complete();
    waitUntil(first::leader, "the leader once the takeover finished");
    assertEquals(0, lost.get());
    await(onContext(first::stop));
    assertEquals(1, lost.get(), "stopping the leader gives its work up");
  }

  @Test
  void aSecondInstanceWaitsForTheLockAndTakesOverWhenTheFirstStops() throws Exception {
    AtomicInteger lost = new AtomicInteger();
    AlertLeadership first = leadership(Future::succeededFuture, lost);
    assertTrue(await(onContext(first::start)));
    AlertLeadership second = leadership(Future::succeededFuture, lost);
    assertFalse(await(onContext(second::start)), "the lock is held");
    Thread.sleep(400);
    assertFalse(second.leader());
    await(onContext(first::stop));
    waitUntil(second::leader, "the standby took the lock");
    assertFalse(first.leader());
    await(onContext(second::stop));
  }

  @Test
  void aFailedTakeoverIsUndoneAndFreesTheLock() throws Exception {
    AtomicInteger lost = new AtomicInteger();
    AlertLeadership failing = leadership(() -> Future.failedFuture("the open alerts could not be loaded"), lost);
    assertFalse(await(onContext(failing::start)));
    assertFalse(failing.leader());
    assertTrue(lost.get() >= 1, "the part of the takeover that ran is undone");
    await(onContext(failing::stop));
    AlertLeadership other = leadership(Future::succeededFuture, new AtomicInteger());
    assertTrue(await(onContext(other::start)), "the failed instance let the lock go");
    await(onContext(other::stop));
  }

  @Test
  void aStopDuringTheTakeoverUndoesIt() throws Exception {
    Promise<Void> takeover = Promise.promise();
    AtomicInteger lost = new AtomicInteger();
    AlertLeadership first = leadership(() -> takeover.future(), lost);
    Future<Boolean> started = onContext(first::start);
    Thread.sleep(300);
    await(onContext(first::stop));
    vertx.runOnContext(v -> takeover.complete());
    assertFalse(await(started), "stopped before the takeover finished");
    assertFalse(first.leader());
    assertTrue(lost.get() >= 1);
    AlertLeadership other = leadership(Future::succeededFuture, new AtomicInteger());
    assertTrue(await(onContext(other::start)));
    await(onContext(other::stop));
  }

  private AlertLeadership leadership(java.util.function.Supplier<Future<Void>> onAcquired, AtomicInteger lost) {
    return new AlertLeadership(vertx, db.url(), 200, onAcquired, () -> {
      lost.incrementAndGet();
      return Future.succeededFuture();
    });
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> action) {
    Promise<T> p = Promise.promise();
    vertx.runOnContext(v -> action.get().onComplete(p));
    return p.future();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(condition.getAsBoolean(), what);
  }
}
