package io.bulwark.alert.notify;

import io.bulwark.shared.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns alert changes into outbox rows and delivers them. Runs every poll interval and at once on
 * {@link Addresses#ALERT_CHANGED}; one pass plans (one transaction, see {@link GroupPlanner}), then claims group heads
 * and sends them concurrently. All state is in PostgreSQL: a new dispatcher on the same database carries on where a
 * stopped or crashed one left off, and several dispatchers share the work without sending anything twice.
 */
public final class NotificationDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);
  private static final long STATS_EVERY_MS = 2000;
  private final Vertx vertx;
  private final OutboxStore store;
  /** Replaced whole on a receivers reload, on the dispatcher's context. */
  private volatile NotifyConfig config;
  private final NotifySettings settings;
  private final NotifyMetrics metrics;
  private volatile GroupPlanner planner;
  private final NotificationSender sender;
  private final Clock clock;
  private volatile long leaseMs;
  private io.vertx.core.Context context;
  private MessageConsumer<Object> changed;
  private long timer = -1;
  private long statsTimer = -1;
  private boolean running;
  private boolean again;
  private boolean closed;
  private Promise<Void> idle;

  public NotificationDispatcher(Vertx vertx, Pool pool, NotifyConfig config, NotifySettings settings, NotifyMetrics metrics,
                                Clock clock) {
    this.vertx = vertx;
    this.store = new OutboxStore(pool);
    this.config = config;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
    this.planner = new GroupPlanner(config, settings.externalUrl());
    this.sender = new NotificationSender(vertx, settings, clock);
    this.leaseMs = lease(config);
  }

  /** A claim outlives the slowest request by a wide margin, so only a dead instance's claim is ever taken over. */
  private static long lease(NotifyConfig config) {
    long longest = config.receivers().values().stream().mapToLong(r -> r.timeout().toMillis()).max().orElse(10_000);
    return longest + 1000 + 30_000;
  }

  /**
   * Receivers and routes from a reloaded file, from the next pass on. Groups may be different now, so the next pass
   * plans over every alert at once; a group new to a receiver hears of the alerts already firing in it.
   */
  public void reconfigure(NotifyConfig next) {
    context.runOnContext(v -> {
      config = next;
      planner = new GroupPlanner(next, settings.externalUrl());
      leaseMs = lease(next);
      changeEligible = Map.of();
      planAt = clock.instant();
      kick();
    });
  }

  public OutboxStore store() {
    return store;
  }

  /** The context the dispatcher plans and delivers on (set by {@link #start}). */
  io.vertx.core.Context context() {
    return context;
  }

  /** Starts polling and listening; call on the verticle's context. */
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    changed = vertx.eventBus().localConsumer(Addresses.ALERT_CHANGED, m -> kick());
    timer = vertx.setPeriodic(settings.pollInterval().toMillis(), id -> kick());
    statsTimer = vertx.setPeriodic(STATS_EVERY_MS, id -> refreshStats());
    return changed.completion().onSuccess(v -> {
      LOG.info("notification dispatcher started: receivers={} poll={}ms", config.receivers().keySet(),
          settings.pollInterval().toMillis());
      kick();
    });
  }

  /** Stops polling and waits (bounded) for the pass in flight; rows it claimed but did not finish are retried later. */
  public Future<Void> stop() {
    closed = true;
    vertx.cancelTimer(timer);
    vertx.cancelTimer(statsTimer);
    Future<Void> unregistered = changed == null ? Future.succeededFuture() : changed.unregister();
    Future<Void> drained = Future.succeededFuture();
    if (running) {
      idle = Promise.promise();
      drained = idle.future().timeout(10, TimeUnit.SECONDS).recover(t -> Future.succeededFuture());
    }
    return Future.all(unregistered, drained).compose(v -> sender.close());
  }

  /** Look now (an alert changed, a redrive or resume happened). */
  /**
   * Shortest time between the starts of two passes caused by alert changes (waiting deliveries go on at once): a flood
   * of new alerts would otherwise keep planning back to back, each pass reading every open alert. It adds at most this
   * much to the time from a condition to its notification.
   */
  static final long PASS_SPACING_MS = 250;
  private final long passSpacingMs = PASS_SPACING_MS;
  private long lastPassStart = System.nanoTime() - PASS_SPACING_MS * 1_000_000;
  private boolean spaced;

  public void kick() {
    if (closed) {
      return;
    }
    if (running) {
      again = true;
      return;
    }
    long wait = passSpacingMs - (System.nanoTime() - lastPassStart) / 1_000_000;
    if (wait > 0) {
      // a pass started moments ago: one more after the spacing covers every change until then
      if (!spaced) {
        spaced = true;
        vertx.setTimer(wait, id -> {
          spaced = false;
          kick();
        });
      }
      return;
    }
    run();
  }

  private void run() {
    running = true;
    again = false;
    lastPassStart = System.nanoTime();
    pass().onComplete(ar -> {
      running = false;
      if (ar.failed()) {
        LOG.warn("notification pass failed: {}", ar.cause().toString());
      }
      if (idle != null) {
        idle.tryComplete();
      }
      if (closed) {
        return;
      }
      if (ar.succeeded() && ar.result()) {
        vertx.runOnContext(v -> {
          if (!running && !closed) {
            run(); // deliveries are waiting: go on at once
          }
        });
      } else if (again) {
        kick(); // alerts changed during the pass: again, after the spacing
      }
    });
  }

  /**
   * At most this long between two passes that read every open alert, whatever the change numbers said: a change
   * committed out of number order, or another instance's planning, is picked up by the next one. With very many open
   * alerts a full pass is slow, and the spacing grows to {@link #FULL_PLAN_SPACING_FACTOR} times its duration, so the
   * periodic pass never takes more than a twentieth of the time.
   */
  static final long FULL_PLAN_EVERY_MS = 10_000;
  static final long FULL_PLAN_SPACING_FACTOR = 20;
  private long fullPlanEveryNanos = FULL_PLAN_EVERY_MS * 1_000_000;
  /** Changes looked at per pass; more are taken by the next pass, right away. */
  static final int CHANGES_PER_LOOK = 5_000;
  /** The highest change number this dispatcher has accounted for; -1 until its first full pass. */
  private long seenUpTo = -1;
  /** When a full pass can next produce something; null: not before an alert changes. */
  private Instant planAt;
  private Map<String, Instant> changeEligible = Map.of();
  private long lastFullPlan;

  /** One plan + one delivery round; true when there may be more to do right away. */
  private Future<Boolean> pass() {
    return planIfDue().recover(t -> {
      planAt = clock.instant(); // try again next time round
      if (t instanceof OutboxStore.StaleAlert) {
        again = true;
        return Future.succeededFuture(false);
      }
      return Future.failedFuture(t);
    }).compose(more -> deliver().map(delivered -> delivered || more));
  }

  /**
   * Plans when something can be due: a full pass (every alert a notification may concern) only when a change reached
   * a group that may send now, a group's wait, interval or repeat ran out, or {@link #FULL_PLAN_EVERY_MS} passed;
   * otherwise only the alerts written since the last look are read and routed. True when more changes wait.
   */
  private Future<Boolean> planIfDue() {
    Instant now = clock.instant();
    if (seenUpTo < 0 || (planAt != null && !now.isBefore(planAt))
        || System.nanoTime() - lastFullPlan >= fullPlanEveryNanos) {
      return fullPlan(now).map(false);
    }
    return store.changedSince(seenUpTo, CHANGES_PER_LOOK).compose(changes -> {
      metrics.planned(NotifyMetrics.Pass.CHANGES);
      for (OutboxStore.Change c : changes) {
        seenUpTo = Math.max(seenUpTo, c.seq());
        for (String key : planner.groupKeys(c.labels())) {
          Instant eligible = changeEligible.get(key);
          planAt = eligible == null || eligible.isBefore(now) ? now : earliest(planAt, eligible);
        }
      }
      boolean more = changes.size() == CHANGES_PER_LOOK;
      return planAt != null && !now.isBefore(planAt) ? fullPlan(now).map(more) : Future.succeededFuture(more);
    });
  }

  private Future<Void> fullPlan(Instant now) {
    long started = System.nanoTime();
    lastFullPlan = started;
    return store.plan(planner, now).map(p -> {
      if (p.plan() == null) {
        planAt = now; // another instance is planning: look again next time round
      } else {
        metrics.planned(NotifyMetrics.Pass.FULL);
        fullPlanEveryNanos = Math.max(FULL_PLAN_EVERY_MS * 1_000_000,
            (System.nanoTime() - started) * FULL_PLAN_SPACING_FACTOR);
        seenUpTo = Math.max(seenUpTo, p.seenUpTo());
        changeEligible = p.plan().changeEligible();
        planAt = p.plan().nextDue();
      }
      return null;
    });
  }

  private static Instant earliest(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }

  private Future<Boolean> deliver() {
    return store.claim(settings.concurrency(), leaseMs).compose(rows -> {
      List<Future<Boolean>> done = new ArrayList<>();
      for (OutboxStore.Claimed row : rows) {
        done.add(deliverOne(row));
      }
      return Future.join(done).map(cf -> {
        boolean progress = false;
        for (Future<Boolean> f : done) {
          progress |= f.succeeded() && f.result();
        }
        return progress;
      });
    });
  }

  /** Sends one row and records the outcome; true when the row left the group's head (delivered or dead). */
  private Future<Boolean> deliverOne(OutboxStore.Claimed row) {
    Receiver receiver = config.receiver(row.receiver());
    if (receiver == null) {
      metrics.attempt(row.receiver(), NotifyMetrics.Result.DEAD);
      return store.dead(row, null, "receiver '" + row.receiver() + "' is not in the receivers file any more");
    }
    return sender.send(row, receiver).compose(outcome -> switch (outcome.result()) {
      case SENT -> store.delivered(row, outcome.status()).map(at -> {
        if (at != null) {
          metrics.attempt(receiver.name(), NotifyMetrics.Result.SENT);
          if (row.firstActiveAt() != null && "firing".equals(row.kind())) {
            metrics.latency(Duration.between(row.firstActiveAt(), at));
          }
        }
        return true;
      });
      case PERMANENT -> dead(row, receiver, outcome);
      case RETRY -> {
        if (row.attempts() >= settings.backoff().maxAttempts()) {
          yield dead(row, receiver, outcome);
        }
        metrics.attempt(receiver.name(), NotifyMetrics.Result.FAILED);
        long delay = settings.backoff().delay(row.attempts(), () -> ThreadLocalRandom.current().nextDouble()).toMillis();
        if (row.attempts() == 1 || row.attempts() % 10 == 0) {
          // first failure and every tenth: a receiver down for hours must not flood the log
          LOG.info("notification {} to {} failed (attempt {}), retrying in {} ms: {}", row.id(), receiver.name(),
              row.attempts(), delay, outcome.error());
        }
        yield store.retryLater(row, delay, outcome.status(), outcome.error()).map(false);
      }
    });
  }

  private Future<Boolean> dead(OutboxStore.Claimed row, Receiver receiver, DeliveryOutcome outcome) {
    metrics.attempt(receiver.name(), NotifyMetrics.Result.DEAD);
    LOG.warn("notification {} to {} dead-lettered after {} attempt(s): {}", row.id(), receiver.name(), row.attempts(),
        outcome.error());
    return store.dead(row, outcome.status(), outcome.error());
  }

  private void refreshStats() {
    store.stats().onSuccess(metrics::stats)
        .onFailure(t -> LOG.debug("outbox stats unavailable: {}", t.toString()));
  }
}
