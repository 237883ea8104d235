package io.bulwark.alert.rules;

import io.bulwark.alert.signal.EventWatch;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The rules and inhibitions of one valid rules file; replaced as a whole on reload. */
public record RuleSet(String source, List<Rule> rules, List<Inhibition> inhibitions) {

  public RuleSet {
    rules = List.copyOf(rules);
    inhibitions = List.copyOf(inhibitions);
  }

  /** Every metric name some rule reads. */
  public Set<String> metricNames() {
    Set<String> out = new TreeSet<>();
    rules.forEach(r -> out.addAll(r.metrics()));
    return out;
  }

  /** Every bus event watch of the event rules. */
  public List<EventWatch> watches() {
    return rules.stream().flatMap(r -> r.watches().stream()).toList();
  }

  public List<String> names() {
    return rules.stream().map(r -> r.meta().name()).toList();
  }
}
