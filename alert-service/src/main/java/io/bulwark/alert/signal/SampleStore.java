package io.bulwark.alert.signal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The samples the rules need, in bounded memory: only metric names some rule references are kept, each series in two
 * tiers (see {@link Series}), at most {@code maxSeries} series (new ones beyond are dropped and counted), and a series not
 * seen for {@code evictAfter} is forgotten. A series is a metric name plus its sorted labels, {@code instance} included.
 */
public final class SampleStore {
  public static final String SERIES = "bulwark.alert.series";
  public static final String DROPPED = "bulwark.alert.series.dropped";

  /** Retention of the two tiers; raw capacity is the number of points a series keeps at scrape resolution. */
  public record Tiers(Duration rawRetention, int rawCapacity, Duration coarseStep, Duration coarseRetention) {
    /** 6 h raw at the scrape interval, one point per 5 min for 3 days. */
    public static Tiers forInterval(Duration scrapeInterval) {
      long raw = Duration.ofHours(6).toMillis() / Math.max(1, scrapeInterval.toMillis());
      return new Tiers(Duration.ofHours(6), (int) Math.min(50_000, raw + 4), Duration.ofMinutes(5), Duration.ofDays(3));
    }
  }

  /** Series by metric name, then labels: a selector only looks at its own metric's series. */
  private final Map<String, Map<SortedMap<String, String>, Series>> byName = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
  private final Tiers tiers;
  private final int maxSeries;
  private final Duration evictAfter;
  private final Counter dropped;
  private volatile Set<String> wanted = Set.of();
  /** When each instance was last scraped: a counter born after that started from 0 then (see {@link #ingest}). */
  private final Map<String, Instant> lastScrape = new ConcurrentHashMap<>();
  private final MeterRegistry registry;
  private final Gauge seriesGauge;

  public SampleStore(Tiers tiers, int maxSeries, Duration evictAfter, MeterRegistry registry) {
    this.tiers = tiers;
    this.maxSeries = maxSeries;
    this.evictAfter = evictAfter;
    this.registry = registry;
    this.dropped = registry == null ? null
        : Counter.builder(DROPPED).description("Series not kept because the sample store was full").register(registry);
    this.seriesGauge = registry == null ? null : Gauge.builder(SERIES, count, java.util.concurrent.atomic.AtomicInteger::get)
        .description("Series held by the alert sample store").strongReference(true).register(registry);
  }

  /** Removes the store's gauge (a redeployed verticle registers a new store). */
  public void close() {
    if (seriesGauge != null) {
      registry.remove(seriesGauge);
    }
  }

  /** The metric names rules reference (the engine sets them on every rules change); others are not kept. */
  public void want(Set<String> names) {
    wanted = Set.copyOf(names);
    byName.entrySet().removeIf(e -> {
      boolean drop = !wanted.contains(e.getKey()) && !TargetScraper.SYNTHETIC.contains(e.getKey());
      if (drop) {
        count.addAndGet(-e.getValue().size());
      }
      return drop;
    });
  }

  public boolean wants(String name) {
    return wanted.contains(name);
  }

  /**
   * Adds the samples of one scrape of {@code instance} taken at {@code at}. Micrometer creates a counter at its first
   * increment (the first 5xx of a route, say): a counter series that appears in a target already scraped before
   * counted from 0 at that earlier scrape, so its first value is an increase too, not a starting point.
   */
  public void ingest(String instance, List<Sample> samples, Instant at) {
    Instant previous = lastScrape.get(instance);
    for (Sample s : samples) {
      if (wanted.contains(s.name())) {
        TreeMap<String, String> labels = new TreeMap<>(s.labels());
        labels.put("instance", instance);
        if (previous != null && previous.isBefore(at) && Series.isCounter(s.name())
            && !byName.getOrDefault(s.name(), Map.of()).containsKey(labels)) {
          put(s.name(), labels, 0, previous);
        }
        put(s.name(), labels, s.value(), at);
      }
    }
    lastScrape.put(instance, at);
  }

  /** Adds one point; the labels are taken as given (the caller adds {@code instance}). */
  public void put(String name, SortedMap<String, String> labels, double value, Instant at) {
    SortedMap<String, String> key = new TreeMap<>(labels);
    Map<SortedMap<String, String>, Series> named = byName.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
    Series s = named.get(key);
    if (s == null) {
      if (count.get() >= maxSeries) {
        if (dropped != null) {
          dropped.increment();
        }
        return;
      }
      s = named.computeIfAbsent(key, k -> {
        count.incrementAndGet();
        return new Series(name, k, at, tiers);
      });
    }
    s.add(at, value);
  }

  /** The series a selector matches. */
  public List<Series> select(Selector selector) {
    List<Series> out = new ArrayList<>();
    for (Series s : byName.getOrDefault(selector.metric(), Map.of()).values()) {
      if (selector.matches(s.name(), s.labels())) {
        out.add(s);
      }
    }
    return out;
  }

  /** Forgets series not seen since {@code now - evictAfter}; returns how many. */
  public int evict(Instant now) {
    Instant cutoff = now.minus(evictAfter);
    int removed = 0;
    for (Map<SortedMap<String, String>, Series> named : byName.values()) {
      int before = named.size();
      named.values().removeIf(s -> s.lastSeen().isBefore(cutoff));
      removed += before - named.size();
    }
    count.addAndGet(-removed);
    lastScrape.values().removeIf(t -> t.isBefore(cutoff));
    return removed;
  }

  public int size() {
    return count.get();
  }
}
