package io.bulwark.alert.notify;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One notification to insert into the outbox: the exact body to send (signature and routing keys are added at send time).
 *
 * @param firstActiveAt earliest active_at of the alerts notified here for the first time (null: none), for the latency metric
 */
public record OutboxEntry(String receiver, String groupKey, String kind, String body, List<UUID> alertIds,
                          List<String> fingerprints, Instant firstActiveAt) {}
