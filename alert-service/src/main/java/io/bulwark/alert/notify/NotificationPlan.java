package io.bulwark.alert.notify;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** What one planning pass commits in one transaction: outbox rows, group states, and alerts' new notified_state. */
public record NotificationPlan(List<OutboxEntry> entries, List<GroupState> upserts, Set<String> deletes,
                               Map<UUID, String> notified) {
  public boolean empty() {
    return entries.isEmpty() && upserts.isEmpty() && deletes.isEmpty() && notified.isEmpty();
  }
}
