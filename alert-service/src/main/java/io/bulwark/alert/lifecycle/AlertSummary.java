package io.bulwark.alert.lifecycle;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** The open alerts counted for reports: by severity, by state, how many are muted, and since when the oldest is open. */
final class AlertSummary {
  private AlertSummary() {}

  static JsonObject of(Collection<AlertRow> open) {
    JsonObject bySeverity = new JsonObject().put("critical", 0).put("warning", 0).put("info", 0);
    JsonObject byState = new JsonObject().put("pending", 0).put("firing", 0).put("acknowledged", 0);
    int silenced = 0;
    Instant oldest = null;
    for (AlertRow a : open) {
      bySeverity.put(a.severity, bySeverity.getInteger(a.severity, 0) + 1);
      byState.put(a.state, byState.getInteger(a.state, 0) + 1);
      silenced += a.muted() ? 1 : 0;
      oldest = oldest == null || a.startedAt.isBefore(oldest) ? a.startedAt : oldest;
    }
    return new JsonObject().put("open", bySeverity).put("byState", byState).put("silenced", silenced)
        .put("oldestOpenSince", oldest == null ? null : oldest.toString());
  }

  /** Key of {@link #counts} under which the muted open alerts are counted. */
  static final String MUTED_KEY = "muted";

  /** The open alerts counted by {@code state|severity}, and the muted ones under {@link #MUTED_KEY}: for the gauges. */
  static Map<String, Long> counts(Collection<AlertRow> open) {
    Map<String, Long> counts = new HashMap<>();
    for (AlertRow a : open) {
      counts.merge(a.state + "|" + a.severity, 1L, Long::sum);
      if (a.muted()) {
        counts.merge(MUTED_KEY, 1L, Long::sum);
      }
    }
    return counts;
  }
}
