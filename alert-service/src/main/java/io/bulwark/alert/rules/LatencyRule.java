package io.bulwark.alert.rules;

import io.bulwark.alert.signal.PromTextParser;
import io.bulwark.alert.signal.Selector;
import io.bulwark.alert.signal.Series;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/** A latency quantile from a histogram's {@code _bucket} series over a window, compared with a threshold in seconds. */
public record LatencyRule(RuleMeta meta, Selector buckets, double quantile, Duration window, String windowText, Op op,
                          double value) implements Rule {

  @Override
  public Set<String> metrics() {
    return Set.of(buckets.metric());
  }

  @Override
  public List<Firing> evaluate(Signals signals, Instant now) {
    List<Firing> out = new ArrayList<>();
    Groups.of(signals.store().select(buckets), meta.by()).forEach((key, series) -> {
      TreeMap<Double, Double> byBound = new TreeMap<>();
      for (Series s : series) {
        String le = s.labels().get("le");
        if (le == null) {
          continue;
        }
        double bound;
        try {
          bound = PromTextParser.number(le);
        } catch (IllegalArgumentException e) {
          continue;
        }
        s.increase(window, now).ifPresent(inc -> byBound.merge(bound, inc, Double::sum));
      }
      double observed = Histograms.quantile(quantile, byBound);
      if (op.test(observed, value)) {
        String q = "p" + RuleMeta.format(quantile * 100);
        out.add(meta.firing(Groups.labels(key, series), null, observed, q + " of " + buckets.metric() + " over "
            + windowText + " = " + RuleMeta.format(observed) + "s " + op.symbol() + " " + RuleMeta.format(value) + "s",
            windowText));
      }
    });
    return out;
  }
}
