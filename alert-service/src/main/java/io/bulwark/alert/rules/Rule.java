package io.bulwark.alert.rules;

import io.bulwark.alert.signal.EventWatch;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** One alerting rule: finds the groups whose condition holds at an evaluation. */
public interface Rule {

  RuleMeta meta();

  /** The firings active at {@code now} (before {@code for}, which the lifecycle applies). */
  List<Firing> evaluate(Signals signals, Instant now);

  /** Metric names the rule reads, so the sample store keeps them. */
  default Set<String> metrics() {
    return Set.of();
  }

  /** Bus events the rule needs counted. */
  default List<EventWatch> watches() {
    return List.of();
  }
}
