package io.bulwark.alert.rules;

import io.bulwark.alert.signal.Series;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Splits series into the groups of a rule's {@code by} labels (one group when there are none). */
final class Groups {
  /** Labels put on an alert when every series of its group agrees on them, though the rule does not group by them. */
  static final List<String> CARRIED = List.of("instance", "service");

  private Groups() {
  }

  static SortedMap<String, String> key(Map<String, String> labels, List<String> by) {
    SortedMap<String, String> k = new TreeMap<>();
    for (String l : by) {
      k.put(l, labels.getOrDefault(l, ""));
    }
    return k;
  }

  static Map<SortedMap<String, String>, List<Series>> of(List<Series> series, List<String> by) {
    Map<SortedMap<String, String>, List<Series>> out = new LinkedHashMap<>();
    for (Series s : series) {
      out.computeIfAbsent(key(s.labels(), by), k -> new ArrayList<>()).add(s);
    }
    return out;
  }

  /** The group's labels plus the {@link #CARRIED} ones all its series share. */
  static Map<String, String> labels(SortedMap<String, String> key, List<Series> series) {
    Map<String, String> out = new TreeMap<>(key);
    out.values().removeIf(String::isEmpty);
    for (String l : CARRIED) {
      if (out.containsKey(l) || series.isEmpty()) {
        continue;
      }
      String v = series.get(0).labels().get(l);
      if (v != null && series.stream().allMatch(s -> v.equals(s.labels().get(l)))) {
        out.put(l, v);
      }
    }
    return out;
  }
}
