package io.bulwark.alert.rules;

import java.util.Map;
import java.util.SortedMap;

/** {@code histogram_quantile} as Prometheus computes it: linear interpolation inside the bucket the rank falls in. */
public final class Histograms {

  private Histograms() {
  }

  /**
   * The {@code q} quantile of cumulative bucket counts by upper bound ({@code le}, +Inf included). NaN without
   * observations or without a +Inf bucket; the upper bound of the last finite bucket when the rank falls in +Inf.
   */
  public static double quantile(double q, SortedMap<Double, Double> buckets) {
    if (buckets.isEmpty() || buckets.lastKey() != Double.POSITIVE_INFINITY || Double.isNaN(q)) {
      return Double.NaN;
    }
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    double total = buckets.get(Double.POSITIVE_INFINITY);
    if (!(total > 0)) {
      return Double.NaN;
    }
    double rank = q * total;
    double prevBound = 0;
    double prevCount = 0;
    boolean first = true;
    double lastFinite = Double.NaN;
    for (Map.Entry<Double, Double> b : buckets.entrySet()) {
      double bound = b.getKey();
      // counts are cumulative; a smaller count after a larger one (scrape skew) is treated as the larger
      double count = Math.max(b.getValue(), prevCount);
      if (count >= rank) {
        if (bound == Double.POSITIVE_INFINITY) {
          return Double.isNaN(lastFinite) ? Double.NaN : lastFinite;
        }
        if (first && bound <= 0) {
          return bound;
        }
        double inBucket = count - prevCount;
        if (inBucket <= 0) {
          return bound;
        }
        return prevBound + (bound - prevBound) * (rank - prevCount) / inBucket;
      }
      first = false;
      prevBound = bound;
      prevCount = count;
      lastFinite = bound;
    }
    return lastFinite;
  }
}
