package io.bulwark.alert.lifecycle;

import io.bulwark.alert.rules.Inhibition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The inhibition sources among the open alerts — per rule, how many active alerts carry each combination of the rule's
 * {@code equal} labels — kept up to date as each alert changes, so that whether an alert is muted is a lookup rather
 * than a scan of every other open alert. A flood of new alerts then costs in proportion to the flood, not to the square
 * of everything open.
 */
final class InhibitionIndex {
  private List<Inhibition> rules = List.of();
  private final Map<Inhibition, Map<List<String>, Integer>> sources = new HashMap<>();
  private final Map<UUID, List<Map.Entry<Inhibition, List<String>>>> registered = new HashMap<>();
  private boolean sourcesChanged;

  /** Puts {@code next} in force, rebuilt from {@code open}; true when the rules changed. */
  boolean use(List<Inhibition> next, Collection<AlertRow> open) {
    if (next.equals(rules)) {
      return false;
    }
    rules = List.copyOf(next);
    sources.clear();
    registered.clear();
    open.forEach(this::update);
    sourcesChanged = true;
    return true;
  }

  /** Records what {@code a} is now (open and active or not); call after every change of its state. */
  void update(AlertRow a) {
    List<Map.Entry<Inhibition, List<String>>> before = registered.remove(a.id);
    if (before != null) {
      for (Map.Entry<Inhibition, List<String>> e : before) {
        Map<List<String>, Integer> counts = sources.get(e.getKey());
        int left = counts.merge(e.getValue(), -1, Integer::sum);
        if (left <= 0) {
          counts.remove(e.getValue());
          sourcesChanged = true;
        }
      }
    }
    if (!a.open() || !a.active()) {
      return;
    }
    List<Map.Entry<Inhibition, List<String>>> now = new ArrayList<>(1);
    for (Inhibition rule : rules) {
      if (matchesAll(rule.source(), a.labels)) {
        List<String> key = key(rule, a);
        if (sources.computeIfAbsent(rule, r -> new HashMap<>()).merge(key, 1, Integer::sum) == 1) {
          sourcesChanged = true;
        }
        now.add(Map.entry(rule, key));
      }
    }
    if (!now.isEmpty()) {
      registered.put(a.id, now);
    }
  }

  /** Whether another active alert inhibits {@code a}. */
  boolean inhibited(AlertRow a) {
    for (Inhibition rule : rules) {
      if (!matchesAll(rule.target(), a.labels)) {
        continue;
      }
      List<String> key = key(rule, a);
      int count = sources.getOrDefault(rule, Map.of()).getOrDefault(key, 0);
      List<Map.Entry<Inhibition, List<String>>> own = registered.getOrDefault(a.id, List.of());
      if (own.contains(Map.entry(rule, key))) {
        count--;
      }
      if (count > 0) {
        return true;
      }
    }
    return false;
  }

  /** True once after the set of source label combinations changed: every open alert's mute must be looked at again. */
  boolean takeSourcesChanged() {
    boolean changed = sourcesChanged;
    sourcesChanged = false;
    return changed;
  }

  private static List<String> key(Inhibition rule, AlertRow a) {
    String[] values = new String[rule.equal().size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = a.labels.get(rule.equal().get(i));
    }
    return Arrays.asList(values);
  }

  static boolean matchesAll(Map<String, String> wanted, Map<String, String> labels) {
    for (Map.Entry<String, String> e : wanted.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
