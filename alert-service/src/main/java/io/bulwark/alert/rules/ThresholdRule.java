package io.bulwark.alert.rules;

import io.bulwark.alert.signal.Selector;
import io.bulwark.alert.signal.Series;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

/**
 * A signal compared with a threshold: the rate or increase of counters over a window, a ratio of two rates, a gauge
 * (aggregated per group), the age of a unix-seconds gauge, or the absence of a series for a window.
 */
public record ThresholdRule(RuleMeta meta, Signal signal, Selector selector, Selector denominator, Duration window,
                            String windowText, Aggregate aggregate, Op op, double value) implements Rule {

  /** What is compared. */
  public enum Signal { RATE, INCREASE, RATIO, GAUGE, AGE, ABSENT }

  /** How the series of a group combine; {@code count_zero} counts series whose value is 0 (e.g. targets not ready). */
  public enum Aggregate { SUM, MAX, MIN, AVG, COUNT_ZERO }

  @Override
  public Set<String> metrics() {
    return denominator == null ? Set.of(selector.metric())
        : new java.util.HashSet<>(List.of(selector.metric(), denominator.metric()));
  }

  @Override
  public List<Firing> evaluate(Signals signals, Instant now) {
    List<Firing> out = new ArrayList<>();
    List<Series> matched = signals.store().select(selector);
    if (signal == Signal.ABSENT) {
      Instant since = now.minus(window);
      boolean present = matched.stream().anyMatch(s -> s.latest(since).isPresent());
      if (!present) {
        out.add(meta.firing(selector.equalities(), null, 1, "no sample of " + selector + " for " + windowText,
            windowText));
      }
      return out;
    }
    if (signal == Signal.RATIO) {
      // a zero window divides the gauges' current values (free / total bytes) instead of rates
      Instant since = now.minus(signals.staleness());
      java.util.function.Function<Series, Optional<Double>> f = window.isZero() ? s -> s.latest(since)
          : s -> s.rate(window, now);
      String fn = window.isZero() ? "" : "rate";
      Map<SortedMap<String, String>, List<Series>> nums = Groups.of(matched, meta.by());
      Groups.of(signals.store().select(denominator), meta.by()).forEach((key, dens) -> {
        double den = sum(dens, f);
        if (!(den > 0)) {
          return; // no traffic: no ratio, no alert
        }
        double num = sum(nums.getOrDefault(key, List.of()), f);
        double ratio = (Double.isNaN(num) ? 0 : num) / den;
        if (op.test(ratio, value)) {
          out.add(meta.firing(Groups.labels(key, dens), null, ratio, fn + "(" + selector + ") / " + fn + "("
              + denominator + ")" + (window.isZero() ? "" : " over " + windowText) + " = " + RuleMeta.format(ratio)
              + " " + op.symbol() + " " + RuleMeta.format(value), windowText));
        }
      });
      return out;
    }
    Groups.of(matched, meta.by()).forEach((key, series) -> {
      double observed = observe(series, signals, now);
      if (op.test(observed, value)) {
        out.add(meta.firing(Groups.labels(key, series), null, observed, describe(observed), windowText));
      }
    });
    return out;
  }

  private double observe(List<Series> series, Signals signals, Instant now) {
    Instant since = now.minus(signals.staleness());
    return switch (signal) {
      case RATE -> sum(series, s -> s.rate(window, now));
      case INCREASE -> sum(series, s -> s.increase(window, now));
      case GAUGE -> aggregate(series, s -> s.latest(since));
      case AGE -> aggregate(series, s -> s.latest(since).map(v -> v == 0
          ? Duration.between(s.firstSeen(), now).toMillis() / 1000.0
          : now.toEpochMilli() / 1000.0 - v));
      default -> Double.NaN;
    };
  }

  private String describe(double observed) {
    String what = switch (signal) {
      case RATE -> "rate(" + selector + "[" + windowText + "])";
      case INCREASE -> "increase(" + selector + "[" + windowText + "])";
      case AGE -> aggregate.name().toLowerCase(java.util.Locale.ROOT) + " age of " + selector + " (s)";
      default -> aggregate.name().toLowerCase(java.util.Locale.ROOT) + "(" + selector + ")";
    };
    return what + " = " + RuleMeta.format(observed) + " " + op.symbol() + " " + RuleMeta.format(value);
  }

  private static double sum(List<Series> series, java.util.function.Function<Series, Optional<Double>> f) {
    double total = 0;
    boolean any = false;
    for (Series s : series) {
      Optional<Double> v = f.apply(s);
      if (v.isPresent()) {
        total += v.get();
        any = true;
      }
    }
    return any ? total : Double.NaN;
  }

  private double aggregate(List<Series> series, java.util.function.Function<Series, Optional<Double>> f) {
    List<Double> vs = new ArrayList<>();
    series.forEach(s -> f.apply(s).filter(v -> !Double.isNaN(v)).ifPresent(vs::add));
    if (vs.isEmpty()) {
      return Double.NaN;
    }
    return switch (aggregate) {
      case SUM -> vs.stream().mapToDouble(Double::doubleValue).sum();
      case MAX -> vs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
      case MIN -> vs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
      case AVG -> vs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
      case COUNT_ZERO -> vs.stream().filter(v -> v == 0).count();
    };
  }
}
