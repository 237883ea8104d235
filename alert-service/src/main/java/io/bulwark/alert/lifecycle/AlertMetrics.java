package io.bulwark.alert.lifecycle;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;

/** Open alerts by state and severity (and how many are muted), read from the book's memory at scrape time. */
public final class AlertMetrics {
  public static final String ALERTS = "bulwark_alert_alerts";
  public static final String MUTED = "bulwark_alert_alerts_muted";
  public static final String REFUSED = "bulwark_alert_alerts_refused";

  private AlertMetrics() {}

  public static void register(MeterRegistry registry, AlertBook book) {
    Snapshot snapshot = new Snapshot(book);
    for (String state : List.of(AlertRow.PENDING, AlertRow.FIRING, AlertRow.ACKNOWLEDGED)) {
      for (String severity : List.of("critical", "warning", "info")) {
        String key = state + "|" + severity;
        Gauge.builder(ALERTS, snapshot, s -> s.counts().getOrDefault(key, 0L))
            .tag("state", state).tag("severity", severity)
            .description("Open alerts by state and severity").register(registry);
      }
    }
    Gauge.builder(MUTED, snapshot, s -> s.counts().getOrDefault(AlertSummary.MUTED_KEY, 0L))
        .description("Open alerts kept from notifications by a silence or an inhibition").register(registry);
    FunctionCounter.builder(REFUSED, book, AlertBook::refusedForCapacity)
        .description("New alerts refused because the most open alerts this instance keeps were open").register(registry);
  }

  /**
   * The book's counts, taken once for all gauges of a scrape (and kept for a second): with many open alerts, ten gauges
   * each walking them would hold the book's lock ten times as long.
   */
  private static final class Snapshot {
    private static final long TTL_NANOS = 1_000_000_000L;
    private final AlertBook book;
    private Map<String, Long> counts = Map.of();
    private long takenAt = System.nanoTime() - TTL_NANOS;

    Snapshot(AlertBook book) {
      this.book = book;
    }

    synchronized Map<String, Long> counts() {
      if (System.nanoTime() - takenAt >= TTL_NANOS) {
        counts = book.openCounts();
        takenAt = System.nanoTime();
      }
      return counts;
    }
  }
}
