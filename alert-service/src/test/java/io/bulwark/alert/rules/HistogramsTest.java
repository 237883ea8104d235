package io.bulwark.alert.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Expected values worked out by hand the way Prometheus' histogram_quantile interpolates. */
class HistogramsTest {
  static TreeMap<Double, Double> buckets(double... boundsAndCounts) {
    TreeMap<Double, Double> m = new TreeMap<>();
    for (int i = 0; i < boundsAndCounts.length; i += 2) {
      m.put(boundsAndCounts[i], boundsAndCounts[i + 1]);
    }
    return m;
  }

  @Test
  void interpolatesLinearlyInsideTheBucket() {
    // 100 observations: 50 ≤ 0.1, 90 ≤ 0.5, 100 ≤ 1; p95 rank 95 lies in (0.5, 1]: 0.5 + 0.5 × (95-90)/10 = 0.75
    TreeMap<Double, Double> b = buckets(0.1, 50, 0.5, 90, 1.0, 100, Double.POSITIVE_INFINITY, 100);
    assertEquals(0.75, Histograms.quantile(0.95, b), 1e-9);
    // p50 rank 50 is exactly the first bucket's count: 0 + 0.1 × 50/50
    assertEquals(0.1, Histograms.quantile(0.5, b), 1e-9);
    assertEquals(0.05, Histograms.quantile(0.25, b), 1e-9);
  }

  @Test
  void rankInTheInfBucketGivesTheLastFiniteBound() {
    assertEquals(1.0, Histograms.quantile(0.99, buckets(0.5, 10, 1.0, 50, Double.POSITIVE_INFINITY, 100)), 1e-9);
  }

  @Test
  void noObservationsOrNoInfIsNaN() {
    assertTrue(Double.isNaN(Histograms.quantile(0.95, buckets(0.5, 0, Double.POSITIVE_INFINITY, 0))));
    assertTrue(Double.isNaN(Histograms.quantile(0.95, buckets(0.5, 3, 1.0, 4))));
    assertTrue(Double.isNaN(Histograms.quantile(0.95, new TreeMap<>())));
  }

  @Test
  void nonMonotonicCountsAreEvenedOut() {
    // a scrape skew made the 1.0 bucket smaller than the 0.5 one: treated as equal
    assertEquals(0.5, Histograms.quantile(0.9, buckets(0.5, 90, 1.0, 80, Double.POSITIVE_INFINITY, 100)), 0.5);
  }

  /** Property: the quantile is monotonic in q and stays within the finite bounds. */
  @Test
  void monotonicInQ() {
    java.util.Random r = new java.util.Random(7);
    for (int round = 0; round < 200; round++) {
      TreeMap<Double, Double> b = new TreeMap<>();
      double count = 0;
      double[] bounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10};
      for (double bound : bounds) {
        count += r.nextInt(20);
        b.put(bound, count);
      }
      b.put(Double.POSITIVE_INFINITY, count + r.nextInt(3) + 1);
      double prev = -1;
      for (double q = 0.01; q < 1; q += 0.01) {
        double v = Histograms.quantile(q, b);
        assertTrue(v >= prev - 1e-12 && v <= 10, "q=" + q + " v=" + v + " " + b);
        prev = v;
      }
    }
  }
}
