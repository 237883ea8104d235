package io.bulwark.alert.notify;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * What the outbox already told one group (a row of {@code alert.notification_groups}): when the group was first seen
 * (group_wait counts from it), when it was last flushed (group_interval / repeat_interval count from it) and which alerts
 * the receiver currently believes are firing.
 */
public record GroupState(String groupKey, String receiver, Instant firstSeenAt, Instant lastSentAt, Set<UUID> sentFiring) {}
