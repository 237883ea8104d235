package io.bulwark.alert.signal;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** One line of a scrape: metric name, its labels (sorted) and value; the exposition's own timestamp is ignored. */
public record Sample(String name, SortedMap<String, String> labels, double value) {

  public Sample {
    labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
  }

  public Sample(String name, java.util.Map<String, String> labels, double value) {
    this(name, new TreeMap<>(labels), value);
  }
}
