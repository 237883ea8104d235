package io.bulwark.alert.lifecycle;

import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;

/** An alert sent to us in Alertmanager's v2 shape (by a Prometheus, say); {@code endsAt} may be null. */
public record ExternalAlert(SortedMap<String, String> labels, Map<String, String> annotations, Instant startsAt,
                            Instant endsAt, String generatorUrl) {

  /** Alertmanager's labels say severity in many ways; ours has three. */
  public String severity() {
    String s = labels.getOrDefault("severity", "").toLowerCase(java.util.Locale.ROOT);
    return switch (s) {
      case "critical", "page", "error", "high" -> "critical";
      case "warning", "warn", "ticket", "medium" -> "warning";
      default -> "info";
    };
  }
}
