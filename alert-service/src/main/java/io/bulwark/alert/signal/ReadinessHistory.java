package io.bulwark.alert.signal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The outcomes of one target's /ready probes (a failure is a non-200 answer or none), bounded by count and age, so that
 * flapping — how many times the target went from ready to not ready in a window — can be counted.
 */
public final class ReadinessHistory {
  private record Probe(long at, boolean ok) {
  }

  private final Deque<Probe> probes = new ArrayDeque<>();
  private final int maxProbes;
  private final long maxAgeMs;

  public ReadinessHistory(int maxProbes, Duration maxAge) {
    this.maxProbes = Math.max(2, maxProbes);
    this.maxAgeMs = maxAge.toMillis();
  }

  public synchronized void record(Instant at, boolean ok) {
    probes.addLast(new Probe(at.toEpochMilli(), ok));
    while (probes.size() > maxProbes || (probes.size() > 1 && probes.peekFirst().at < at.toEpochMilli() - maxAgeMs)) {
      probes.removeFirst();
    }
  }

  /**
   * Transitions into failure within ({@code now - window}, {@code now}]: a failed probe whose predecessor succeeded (or
   * that has no predecessor), so a target down for the whole window counts once, not once per probe.
   */
  public synchronized int failuresWithin(Duration window, Instant now) {
    long from = now.toEpochMilli() - window.toMillis();
    int count = 0;
    Boolean previous = null;
    for (Probe p : probes) {
      if (!p.ok && (previous == null || previous) && p.at > from && p.at <= now.toEpochMilli()) {
        count++;
      }
      previous = p.ok;
    }
    return count;
  }

  /** The latest outcome, or null before the first probe. */
  public synchronized Boolean lastOk() {
    return probes.isEmpty() ? null : probes.peekLast().ok;
  }
}
