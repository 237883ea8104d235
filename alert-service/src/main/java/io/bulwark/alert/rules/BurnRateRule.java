package io.bulwark.alert.rules;

import io.bulwark.alert.signal.Selector;
import io.bulwark.alert.signal.Series;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

/**
 * SLO burn rate, multiwindow as in the SRE workbook: a window pair fires when the error ratio over both its long and its
 * short window exceeds {@code factor × (1 − objective)}; the short window makes the alert stop soon after recovery.
 * One alert per class (page, ticket) and group, saying which pair fired and the ratios seen.
 */
public record BurnRateRule(RuleMeta meta, Selector errors, Selector good, Selector total, double objective,
                           List<WindowPair> windows, Map<String, String> severityByClass) implements Rule {

  /** One pair of windows; {@code longText}/{@code shortText} are the windows as written (before time scaling). */
  public record WindowPair(String alertClass, Duration longWindow, String longText, Duration shortWindow,
                           String shortText, double factor) {
    String name() {
      return longText + "/" + shortText;
    }
  }

  /** The SRE workbook's default pairs, scaled by {@code scale}. */
  public static List<WindowPair> defaultWindows(double scale) {
    return List.of(
        pair("page", "1h", Duration.ofHours(1), "5m", Duration.ofMinutes(5), 14.4, scale),
        pair("page", "6h", Duration.ofHours(6), "30m", Duration.ofMinutes(30), 6, scale),
        pair("ticket", "1d", Duration.ofDays(1), "2h", Duration.ofHours(2), 3, scale),
        pair("ticket", "3d", Duration.ofDays(3), "6h", Duration.ofHours(6), 1, scale));
  }

  static WindowPair pair(String cls, String lt, Duration l, String st, Duration s, double factor, double scale) {
    return new WindowPair(cls, TimeScale.apply(l, scale), lt, TimeScale.apply(s, scale), st, factor);
  }

  @Override
  public Set<String> metrics() {
    return new java.util.HashSet<>(List.of((errors != null ? errors : good).metric(), total.metric()));
  }

  @Override
  public List<Firing> evaluate(Signals signals, Instant now) {
    List<Firing> out = new ArrayList<>();
    double budget = 1 - objective / 100.0;
    Map<SortedMap<String, String>, List<Series>> bad = Groups.of(signals.store().select(errors != null ? errors : good),
        meta.by());
    Groups.of(signals.store().select(total), meta.by()).forEach((key, totals) -> {
      List<Series> counted = bad.getOrDefault(key, List.of());
      Map<String, List<String>> firedByClass = new LinkedHashMap<>();
      Map<String, Double> valueByClass = new LinkedHashMap<>();
      Map<String, String> windowByClass = new LinkedHashMap<>();
      for (WindowPair p : windows) {
        double longRatio = ratio(counted, totals, p.longWindow(), now);
        double shortRatio = ratio(counted, totals, p.shortWindow(), now);
        double limit = p.factor() * budget;
        if (longRatio > limit && shortRatio > limit) {
          firedByClass.computeIfAbsent(p.alertClass(), c -> new ArrayList<>()).add("error ratio " + p.longText() + "="
              + RuleMeta.format(longRatio) + " and " + p.shortText() + "=" + RuleMeta.format(shortRatio) + " > "
              + RuleMeta.format(p.factor()) + " × " + RuleMeta.format(budget));
          valueByClass.putIfAbsent(p.alertClass(), longRatio);
          windowByClass.putIfAbsent(p.alertClass(), p.name());
        }
      }
      firedByClass.forEach((cls, conditions) -> {
        Firing f = meta.firing(Groups.labels(key, totals), severityByClass.get(cls), valueByClass.get(cls),
            String.join("; ", conditions), windowByClass.get(cls));
        Map<String, String> ann = new LinkedHashMap<>(f.annotations());
        ann.put("burn_class", cls);
        ann.put("objective", RuleMeta.format(objective));
        out.add(new Firing(f.rule(), f.severity(), f.labels(), ann, f.value(), f.forDuration()));
      });
    });
    return out;
  }

  /** Error ratio over a window; NaN (never fires) without traffic. */
  private double ratio(List<Series> counted, List<Series> totals, Duration window, Instant now) {
    double all = sum(totals, window, now);
    if (!(all > 0)) {
      return Double.NaN;
    }
    double c = sum(counted, window, now);
    double bad = errors != null ? c : all - c;
    return Math.max(0, bad) / all;
  }

  private static double sum(List<Series> series, Duration window, Instant now) {
    double total = 0;
    for (Series s : series) {
      Optional<Double> inc = s.increase(window, now);
      if (inc.isPresent()) {
        total += inc.get();
      }
    }
    return total;
  }
}
