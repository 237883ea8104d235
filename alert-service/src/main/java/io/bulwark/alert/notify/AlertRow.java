package io.bulwark.alert.notify;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** What the notifier reads of one {@code alert.alerts} row (written by the lifecycle, never by the notifier but for notified_state). */
public record AlertRow(UUID id, String fingerprint, String state, String severity, Map<String, String> labels,
                       Map<String, String> annotations, Instant activeAt, Instant firingAt, Instant resolvedAt,
                       boolean silenced, boolean inhibited, String notifiedState, long version) {

  /** Firing or acknowledged, neither silenced nor inhibited: an alert receivers should hear about as firing. */
  public boolean unmutedFiring() {
    return ("firing".equals(state) || "acknowledged".equals(state)) && !silenced && !inhibited;
  }

  public boolean resolved() {
    return "resolved".equals(state);
  }

  /** When the alert started firing, as receivers know it (startsAt). */
  public Instant startsAt() {
    return firingAt != null ? firingAt : activeAt;
  }
}
