package io.bulwark.alert;

import io.bulwark.alert.rules.Firing;
import io.bulwark.alert.rules.Inhibition;
import java.time.Instant;
import java.util.List;

/** What the evaluation loop asks of the rules at each tick. */
interface RuleSource {
  List<Firing> evaluate(Instant now);

  List<Inhibition> inhibitions();

  /** Rules that failed at the last evaluation: their open alerts stay as they are. */
  java.util.Set<String> failing();
}
