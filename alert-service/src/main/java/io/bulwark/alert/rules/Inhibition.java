package io.bulwark.alert.rules;

import java.util.List;
import java.util.Map;

/**
 * While an alert matching {@code source} fires, alerts matching {@code target} whose {@code equal} labels have the same
 * values are muted (a service's critical alert mutes its warnings). Matches are exact label values.
 */
public record Inhibition(Map<String, String> source, Map<String, String> target, List<String> equal) {

  public Inhibition {
    source = Map.copyOf(source);
    target = Map.copyOf(target);
    equal = List.copyOf(equal);
  }
}
