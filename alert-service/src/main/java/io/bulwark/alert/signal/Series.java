package io.bulwark.alert.signal;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SortedMap;

/**
 * One series' recent history in two tiers: raw points at scrape resolution, and one point per coarse step for long
 * windows. Counters are stored reset-adjusted: when a value drops (the process restarted), what was counted before is
 * kept as an offset, so the increase over any window is adjusted(end) - adjusted(start).
 */
public final class Series {
  private final String name;
  private final SortedMap<String, String> labels;
  private final boolean counter;
  private final Ring raw;
  private final Ring coarse;
  private final long rawRetentionMs;
  private final long coarseStepMs;
  private final long coarseRetentionMs;
  private final Instant firstSeen;
  private double offset;
  private double lastRaw = Double.NaN;
  private long lastSeenMs;

  Series(String name, SortedMap<String, String> labels, Instant firstSeen, SampleStore.Tiers tiers) {
    this.name = name;
    this.labels = labels;
    this.counter = isCounter(name);
    this.firstSeen = firstSeen;
    this.rawRetentionMs = tiers.rawRetention().toMillis();
    this.coarseStepMs = tiers.coarseStep().toMillis();
    this.coarseRetentionMs = tiers.coarseRetention().toMillis();
    this.raw = new Ring(tiers.rawCapacity());
    this.coarse = new Ring((int) (coarseRetentionMs / coarseStepMs) + 2);
  }

  /** Counter names by the conventions Micrometer and Prometheus follow. */
  public static boolean isCounter(String name) {
    return name.endsWith("_total") || name.endsWith("_count") || name.endsWith("_sum") || name.endsWith("_bucket");
  }

  public String name() {
    return name;
  }

  public SortedMap<String, String> labels() {
    return labels;
  }

  public Instant firstSeen() {
    return firstSeen;
  }

  synchronized Instant lastSeen() {
    return Instant.ofEpochMilli(lastSeenMs);
  }

  synchronized void add(Instant at, double value) {
    long t = at.toEpochMilli();
    if (raw.size() > 0 && t < raw.time(raw.size() - 1)) {
      return; // out of order: a late answer of an earlier scrape
    }
    if (counter && !Double.isNaN(lastRaw) && value < lastRaw) {
      offset += lastRaw;
    }
    lastRaw = value;
    double stored = counter ? value + offset : value;
    raw.add(t, stored);
    if (coarse.size() == 0 || t - coarse.time(coarse.size() - 1) >= coarseStepMs) {
      coarse.add(t, stored);
    }
    lastSeenMs = Math.max(lastSeenMs, t);
    raw.trimBefore(t - rawRetentionMs);
    coarse.trimBefore(t - coarseRetentionMs);
  }

  /** The newest value (raw, not reset-adjusted for gauges; adjusted for counters), if seen at or after {@code since}. */
  public synchronized Optional<Double> latest(Instant since) {
    if (raw.size() == 0 || raw.time(raw.size() - 1) < since.toEpochMilli()) {
      return Optional.empty();
    }
    return Optional.of(counter ? lastRaw : raw.value(raw.size() - 1));
  }

  /**
   * The stored value at {@code at}: the newest point at or before it, from the raw tier when it reaches back that far,
   * else from the coarse tier; when the series is younger than that, its oldest point (a new series counts from where
   * it was first seen). Empty when the series has no point at or before... anything.
   */
  public synchronized Optional<Double> valueAt(Instant at) {
    long t = at.toEpochMilli();
    if (raw.size() == 0) {
      return Optional.empty();
    }
    if (raw.time(0) <= t) {
      return Optional.of(raw.value(raw.atOrBefore(t)));
    }
    int c = coarse.atOrBefore(t);
    if (c >= 0) {
      return Optional.of(coarse.value(c));
    }
    if (coarse.size() > 0 && coarse.time(0) < raw.time(0)) {
      return Optional.of(coarse.value(0));
    }
    return Optional.of(raw.value(0));
  }

  /** Counter increase over {@code window} ending at {@code now} (0 when fewer than two points fall in reach). */
  public Optional<Double> increase(Duration window, Instant now) {
    Optional<Double> end = valueAt(now);
    Optional<Double> start = valueAt(now.minus(window));
    if (end.isEmpty() || start.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Math.max(0, end.get() - start.get()));
  }

  /** Per-second rate over {@code window}: increase / window. */
  public Optional<Double> rate(Duration window, Instant now) {
    return increase(window, now).map(v -> v / Math.max(0.001, window.toMillis() / 1000.0));
  }

  synchronized int points() {
    return raw.size() + coarse.size();
  }
}
