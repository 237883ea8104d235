package io.bulwark.alert.retention;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps alert-service's tables from growing without end: resolved alerts, ended silences, delivered notifications and
 * dead letters older than their retention are deleted, a bounded batch per statement so no sweep holds locks for long.
 * A resolved alert whose resolved notification is not planned yet is kept (the notifier still needs it). Runs on the
 * leading instance only; what it deletes is counted in {@code bulwark_alert_retention_deleted_total{table}}.
 */
public final class AlertRetention {
  public static final String DELETED = "bulwark_alert_retention_deleted";
  static final int BATCH = 5_000;
  private static final Logger LOG = LoggerFactory.getLogger(AlertRetention.class);
  /** Each sweep statement: the table it counts under, the statement ($1: cutoff age in ms, $2: batch) and its setting. */
  private static final Map<String, String> SWEEPS = new LinkedHashMap<>();

  static {
    SWEEPS.put("alerts", "DELETE FROM alert.alerts WHERE id IN (SELECT id FROM alert.alerts WHERE state = 'resolved'"
        + " AND resolved_at < now() - $1::bigint * interval '1 millisecond'"
        + " AND notified_state IS DISTINCT FROM 'firing' LIMIT $2)");
    SWEEPS.put("silences", "DELETE FROM alert.silences WHERE id IN (SELECT id FROM alert.silences"
        + " WHERE ends_at < now() - $1::bigint * interval '1 millisecond' LIMIT $2)");
    SWEEPS.put("notifications_delivered", "DELETE FROM alert.notifications WHERE id IN (SELECT id FROM alert.notifications"
        + " WHERE status = 'delivered' AND created_at < now() - $1::bigint * interval '1 millisecond' LIMIT $2)");
    SWEEPS.put("notifications_dead", "DELETE FROM alert.notifications WHERE id IN (SELECT id FROM alert.notifications"
        + " WHERE status = 'dead' AND created_at < now() - $1::bigint * interval '1 millisecond' LIMIT $2)");
  }

  private final Vertx vertx;
  private final Pool pool;
  private final RetentionSettings settings;
  private final Map<String, Counter> deleted = new LinkedHashMap<>();
  private long timer = -1;
  private Future<Map<String, Integer>> running = Future.succeededFuture(Map.of());

  public AlertRetention(Vertx vertx, Pool pool, RetentionSettings settings, MeterRegistry registry) {
    this.vertx = vertx;
    this.pool = pool;
    this.settings = settings;
    for (String table : SWEEPS.keySet()) {
      deleted.put(table, Counter.builder(DELETED).tag("table", table)
          .description("Rows deleted from alert-service's tables by retention, by table").register(registry));
    }
  }

  /** Sweeps now and then every interval, until {@link #stop}. */
  public void start() {
    if (timer >= 0) {
      return;
    }
    sweep();
    timer = vertx.setPeriodic(settings.interval().toMillis(), id -> sweep());
  }

  /** Stops sweeping; completes when a sweep under way has finished. */
  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    return running.<Void>mapEmpty().otherwiseEmpty();
  }

  /** One sweep of every table; the rows deleted per table. A sweep still running when the next is due is not doubled. */
  public Future<Map<String, Integer>> sweep() {
    if (!running.isComplete()) {
      return running;
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, String> s : SWEEPS.entrySet()) {
      long ageMs = age(s.getKey()).toMillis();
      chain = chain.compose(v -> drain(s.getKey(), s.getValue(), ageMs, counts));
    }
    running = chain.map(v -> {
      if (counts.values().stream().anyMatch(n -> n > 0)) {
        LOG.info("alert retention deleted old rows", kv("event", "alert.retention"), kv("deleted", counts));
      }
      return counts;
    }).onFailure(err -> LOG.warn("alert retention sweep failed (next one in {}): {}", settings.interval(), err.getMessage()));
    return running;
  }

  private Duration age(String table) {
    return switch (table) {
      case "notifications_delivered" -> settings.delivered();
      case "notifications_dead" -> settings.dead();
      default -> settings.resolvedAlerts();
    };
  }

  /** Deletes batch after batch until a batch comes back short. */
  private Future<Void> drain(String table, String sql, long ageMs, Map<String, Integer> counts) {
    return pool.preparedQuery(sql).execute(Tuple.of(ageMs, BATCH)).compose(rs -> {
      int n = rs.rowCount();
      counts.merge(table, n, Integer::sum);
      deleted.get(table).increment(n);
      return n == BATCH ? drain(table, sql, ageMs, counts) : Future.succeededFuture();
    });
  }
}
