package io.bulwark.alert.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Notification metrics. Receiver names come from the receivers file (a bounded set the operator wrote), results from
 * {@link Result}. Depth, oldest age and paused are refreshed from the outbox table, so they agree across instances.
 */
public final class NotifyMetrics {
  public static final String NOTIFICATIONS = "bulwark_alert_notifications_total";
  public static final String DEPTH = "bulwark_alert_outbox_depth";
  public static final String OLDEST = "bulwark_alert_outbox_oldest_pending_age_seconds";
  public static final String LATENCY = "bulwark_alert_notification_latency_seconds";
  public static final String PAUSED = "bulwark_alert_outbox_paused";
  public static final String PLANS = "bulwark_alert_notification_plans_total";

  /** Outcome of one delivery attempt: sent, failed (will retry), dead (dead-lettered). */
  public enum Result { SENT, FAILED, DEAD }

  /** A planning pass over every alert a notification may concern, or a look at only the alerts changed since the last. */
  public enum Pass { FULL, CHANGES }

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> depth = new ConcurrentHashMap<>();
  private final AtomicLong oldestMs = new AtomicLong();
  private final AtomicLong paused = new AtomicLong();
  private final DistributionSummary latency;
  private final Map<Pass, Counter> plans = new java.util.EnumMap<>(Pass.class);

  public NotifyMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (String s : new String[] {"pending", "delivering", "delivered", "dead"}) {
      AtomicLong v = new AtomicLong();
      depth.put(s, v);
      Gauge.builder(DEPTH, v, AtomicLong::get).tag("status", s).description("Notifications in the outbox, by status")
          .register(registry);
    }
    Gauge.builder(OLDEST, oldestMs, v -> v.get() / 1000.0)
        .description("Age of the oldest notification not yet delivered (0: none)").register(registry);
    Gauge.builder(PAUSED, paused, AtomicLong::get).description("1 while an operator paused delivery").register(registry);
    latency = DistributionSummary.builder(LATENCY)
        .description("Time from an alert's condition first seen to its first notification delivered")
        .serviceLevelObjectives(0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 900)
        .register(registry);
    for (Pass p : Pass.values()) {
      plans.put(p, Counter.builder(PLANS).tag("pass", p.name().toLowerCase(java.util.Locale.ROOT))
          .description("Notification planning passes: full (every alert a notification may concern) or changes only")
          .register(registry));
    }
  }

  public void planned(Pass pass) {
    plans.get(pass).increment();
  }

  public void attempt(String receiver, Result result) {
    String key = receiver + "|" + result;
    counters.computeIfAbsent(key, k -> Counter.builder(NOTIFICATIONS).tag("receiver", receiver)
        .tag("result", result.name().toLowerCase(java.util.Locale.ROOT))
        .description("Notification delivery attempts by receiver and result").register(registry)).increment();
  }

  public void latency(Duration d) {
    latency.record(Math.max(0, d.toMillis()) / 1000.0);
  }

  /** Takes the numbers of {@link OutboxStore#stats()}. */
  public void stats(JsonObject stats) {
    depth.forEach((s, v) -> v.set(stats.getLong(s, 0L)));
    oldestMs.set(Math.round(stats.getDouble("oldestPendingAgeSeconds", 0.0) * 1000));
    paused.set(stats.getBoolean("paused", false) ? 1 : 0);
  }
}
