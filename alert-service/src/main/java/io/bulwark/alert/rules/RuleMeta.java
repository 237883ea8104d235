package io.bulwark.alert.rules;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What every rule has: its alert name, severity, extra labels, summary text ({@code {{ $labels.x }}} and
 * {@code {{ $value }}} are filled in), {@code for} (already time-scaled), and the labels it groups by.
 */
public record RuleMeta(String name, String severity, Map<String, String> labels, String summary, Duration forDuration,
                       List<String> by) {

  public RuleMeta {
    labels = Map.copyOf(labels);
    by = List.copyOf(by);
  }

  /** A firing of this rule for one group, with {@code severity} overriding the rule's when not null. */
  public Firing firing(Map<String, String> groupLabels, String severityOverride, double value, String condition,
      String window) {
    String sev = severityOverride == null ? severity : severityOverride;
    SortedMap<String, String> all = new TreeMap<>(groupLabels);
    all.putAll(labels);
    all.put("alertname", name);
    all.put("severity", sev);
    Map<String, String> ann = new java.util.HashMap<>();
    ann.put("summary", render(summary, all, value));
    ann.put("condition", condition);
    ann.put("window", window);
    ann.put("value", format(value));
    return new Firing(name, sev, all, ann, value, forDuration);
  }

  static String render(String text, Map<String, String> labels, double value) {
    String out = text.replace("{{ $value }}", format(value)).replace("{{$value}}", format(value));
    for (Map.Entry<String, String> e : labels.entrySet()) {
      out = out.replace("{{ $labels." + e.getKey() + " }}", e.getValue())
          .replace("{{$labels." + e.getKey() + "}}", e.getValue());
    }
    return out;
  }

  /** Short, stable number text for annotations: 0.087, 14.4, 3, 1.2e-05. */
  public static String format(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return String.valueOf(v);
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.valueOf((long) v);
    }
    String s = String.format(java.util.Locale.ROOT, "%.4g", v);
    if (s.contains("e")) {
      return s;
    }
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }
}
