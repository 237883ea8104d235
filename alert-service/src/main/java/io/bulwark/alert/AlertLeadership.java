package io.bulwark.alert;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.shared.config.DatabaseUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one alert-service instance the leader: the one that evaluates rules, changes alerts and sends notifications.
 * It holds a PostgreSQL session advisory lock on a connection of its own, so a dead or cut-off leader loses the lock
 * with its connection and a standby (retrying every interval) takes over. Two evaluators would fight over the same
 * alerts; with this, a second instance is a warm standby that also answers reads.
 */
final class AlertLeadership {
  /** "bulwark" and 3: the audit writer uses +1. */
  static final long LOCK = 0x62756c7761726bL + 3;
  private static final Logger LOG = LoggerFactory.getLogger(AlertLeadership.class);
  private final Vertx vertx;
  private final PgConnectOptions options;
  private final long retryMs;
  private final Supplier<Future<Void>> onAcquired;
  private final Supplier<Future<Void>> onLost;
  private volatile boolean leader;
  private boolean stopped;
  private boolean attempting;
  private PgConnection conn;
  private long timer = -1;
  private long lastWarningAt;

  AlertLeadership(Vertx vertx, DatabaseUrl url, long retryMs, Supplier<Future<Void>> onAcquired, Supplier<Future<Void>> onLost) {
    this.vertx = vertx;
    this.options = new PgConnectOptions().setHost(url.host()).setPort(url.port()).setDatabase(url.database())
        .setUser(url.user()).addProperty("application_name", "bulwark-alert-leader");
    if (url.password() != null) {
      options.setPassword(url.password());
    }
    this.retryMs = retryMs;
    this.onAcquired = onAcquired;
    this.onLost = onLost;
  }

  boolean leader() {
    return leader;
  }

  /** Tries at once (so a single instance leads from its first second), then every interval while standing by. */
  Future<Boolean> start() {
    timer = vertx.setPeriodic(retryMs, id -> attempt());
    return attempt();
  }

  private Future<Boolean> attempt() {
    if (attempting || leader || stopped) {
      return Future.succeededFuture(leader);
    }
    attempting = true;
    Future<PgConnection> connected = conn != null ? Future.succeededFuture(conn) : PgConnection.connect(vertx, options)
        .onSuccess(c -> {
          conn = c;
          c.closeHandler(v -> closed(c));
        });
    return connected
        .compose(c -> c.preparedQuery("SELECT pg_try_advisory_lock($1)").execute(Tuple.of(LOCK)).map(rs -> {
          boolean got = rs.iterator().next().getBoolean(0);
          return got && !stopped ? c : null;
        }))
        .compose(c -> c == null ? Future.succeededFuture(false) : takeOver(c))
        .recover(err -> {
          long now = System.currentTimeMillis();
          if (now - lastWarningAt > 60_000) {
            lastWarningAt = now;
            LOG.warn("leader election could not reach the database (retrying every {} ms): {}", retryMs, err.getMessage());
          }
          return release().map(false);
        })
        .onComplete(ar -> attempting = false);
  }

  /**
   * Holds the lock: runs the takeover and only then says "leader" — the gauge, {@code /ready} and the intake all read
   * {@link #leader()}, and before the takeover has finished the open alerts are not loaded and nobody answers the
   * changing addresses. A lock lost (or a stop) during the takeover undoes it.
   */
  private Future<Boolean> takeOver(PgConnection c) {
    LOG.info("this alert-service holds the leader lock and takes over", kv("event", "alert_leader_elected"));
    return onAcquired.get().compose(v -> {
      if (conn != c || stopped) {
        LOG.warn("the leader lock went away during the takeover; standing by", kv("event", "alert_leader_lost"));
        return onLost.get().eventually(this::release).map(false);
      }
      leader = true;
      LOG.info("this alert-service now leads: it evaluates rules and sends notifications", kv("event", "alert_leader_ready"));
      return Future.succeededFuture(true);
    }, err -> {
      LOG.error("taking the lead failed, standing by: {}", err.getMessage(), kv("event", "alert_leader_takeover_failed"));
      // undo whatever part of the takeover ran, then free the lock for another instance
      return onLost.get().eventually(this::release).map(false);
    });
  }

  private void closed(PgConnection c) {
    if (c != conn) {
      return;
    }
    conn = null;
    if (leader) {
      LOG.error("lost the leader's database connection; standing by", kv("event", "alert_leader_lost"));
      leader = false;
      onLost.get();
    }
  }

  private Future<Void> stepDown() {
    boolean was = leader;
    leader = false;
    return (was ? onLost.get() : Future.<Void>succeededFuture()).eventually(this::release);
  }

  private Future<Void> release() {
    PgConnection c = conn;
    conn = null;
    return c == null ? Future.succeededFuture() : c.close().otherwiseEmpty();
  }

  /** Steps down (closing the connection frees the lock for a standby at once) and stops trying. */
  Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return stepDown();
  }
}
