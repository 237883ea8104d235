package io.bulwark.alert.rules;

import io.bulwark.alert.signal.EventCounter;
import io.bulwark.alert.signal.ReadinessHistory;
import io.bulwark.alert.signal.SampleStore;
import java.time.Duration;
import java.util.Map;

/**
 * What rules read: the sample store, each target's readiness history, the bus event counts, and how old a gauge's
 * latest sample may be before it no longer counts as current.
 */
public record Signals(SampleStore store, Map<String, ReadinessHistory> readiness, EventCounter events,
                      Duration staleness) {
}
