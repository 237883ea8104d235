package io.bulwark.alert.notify;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What one planning pass commits in one transaction: outbox rows, group states, and alerts' new notified_state. It also
 * says when planning can next produce anything, so the dispatcher need not read every open alert on every poll.
 *
 * @param changeEligible per group that has a state: the earliest time a change to it can be sent (group_wait after it
 *                       appeared if never sent, else group_interval after its last send); a group not here sends a
 *                       change as soon as it is planned
 * @param nextDue        the earliest time a pass would send something with no further change (a change waiting for
 *                       its group, or a repeat); null: nothing until an alert changes
 */
public record NotificationPlan(List<OutboxEntry> entries, List<GroupState> upserts, Set<String> deletes,
                               Map<UUID, String> notified, Map<String, Instant> changeEligible,
                               Instant nextDue) {
  public boolean empty() {
    return entries.isEmpty() && upserts.isEmpty() && deletes.isEmpty() && notified.isEmpty();
  }
}
