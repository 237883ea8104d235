package io.bulwark.alert.rules;

import java.time.Duration;
import java.util.Map;
import java.util.SortedMap;

/**
 * One alert instance a rule finds active at an evaluation: its identity (the sorted labels, which include
 * {@code alertname} and {@code severity}), what it says (annotations: {@code summary}, {@code condition}, {@code window},
 * {@code value}), the observed value, and how long it must stay active before it fires ({@code for}, already scaled).
 */
public record Firing(String rule, String severity, SortedMap<String, String> labels, Map<String, String> annotations,
                     double value, Duration forDuration) {

  public Firing {
    labels = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(labels));
    annotations = Map.copyOf(annotations);
  }
}
