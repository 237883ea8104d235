package io.bulwark.alert.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SampleStoreTest {
  static final Instant T0 = Instant.parse("2026-11-23T00:00:00Z");

  static SampleStore store(int maxSeries) {
    SampleStore s = new SampleStore(SampleStore.Tiers.forInterval(Duration.ofSeconds(15)), maxSeries,
        Duration.ofDays(6), new SimpleMeterRegistry());
    s.want(Set.of("c_total", "g"));
    return s;
  }

  static Series only(SampleStore s, String selector) {
    List<Series> found = s.select(Selector.parse(selector));
    assertEquals(1, found.size(), selector);
    return found.get(0);
  }

  @Test
  void counterResetKeepsTheIncrease() {
    SampleStore s = store(100);
    double[] values = {100, 110, 120, 5, 15, 2, 12};
    for (int i = 0; i < values.length; i++) {
      s.ingest("gw", List.of(new Sample("c_total", Map.of(), values[i])), T0.plusSeconds(15L * i));
    }
    Series c = only(s, "c_total{instance=\"gw\"}");
    Instant end = T0.plusSeconds(90);
    // 100→120 (+20), reset to 5 (+5), →15 (+10), reset to 2 (+2), →12 (+10)
    assertEquals(47.0, c.increase(Duration.ofSeconds(90), end).orElseThrow(), 1e-9);
    assertEquals(12.0, c.latest(T0).orElseThrow(), "latest is the exposed value, not the adjusted one");
    assertEquals(10.0, c.increase(Duration.ofSeconds(15), end).orElseThrow(), 1e-9);
    assertEquals(47.0 / 90, c.rate(Duration.ofSeconds(90), end).orElseThrow(), 1e-9);
  }

  @Test
  void gaugesAreNotAdjusted() {
    SampleStore s = store(100);
    s.ingest("gw", List.of(new Sample("g", Map.of(), 10)), T0);
    s.ingest("gw", List.of(new Sample("g", Map.of(), 3)), T0.plusSeconds(15));
    Series g = only(s, "g");
    assertEquals(3.0, g.latest(T0).orElseThrow());
    assertEquals(10.0, g.valueAt(T0.plusSeconds(10)).orElseThrow());
    assertTrue(g.latest(T0.plusSeconds(16)).isEmpty(), "a sample older than 'since' is not current");
  }

  @Test
  void onlyWantedNamesAndInstanceLabel() {
    SampleStore s = store(100);
    s.ingest("audit", List.of(new Sample("c_total", Map.of("a", "1"), 1), new Sample("other_total", Map.of(), 1)), T0);
    assertEquals(1, s.size());
    assertEquals(new TreeMap<>(Map.of("a", "1", "instance", "audit")), only(s, "c_total").labels());
  }

  @Test
  void coarseTierAnswersWindowsBeyondTheRawSixHours() {
    SampleStore s = store(100);
    // one sample a minute for 2 days at 1/s: the counter rises by 60 per minute
    for (int m = 0; m <= 2 * 24 * 60; m++) {
      s.ingest("gw", List.of(new Sample("c_total", Map.of(), 60.0 * m)), T0.plusSeconds(60L * m));
    }
    Series c = only(s, "c_total");
    Instant end = T0.plus(Duration.ofDays(2));
    assertEquals(3600.0, c.increase(Duration.ofHours(1), end).orElseThrow(), 1e-9);
    assertEquals(86_400.0, c.increase(Duration.ofDays(1), end).orElseThrow(), 60 * 5, "1 d from the 5 min tier");
    // older than everything kept: counts from the oldest point
    assertEquals(2 * 86_400.0, c.increase(Duration.ofDays(3), end).orElseThrow(), 60 * 5);
    assertTrue(c.points() < 6 * 60 + 2 + 2 * 24 * 12 + 2, "raw tier trimmed to 6 h: " + c.points());
  }

  @Test
  void seriesBeyondTheBoundAreDroppedAndCounted() {
    SimpleMeterRegistry reg = new SimpleMeterRegistry();
    SampleStore s = new SampleStore(SampleStore.Tiers.forInterval(Duration.ofSeconds(15)), 3, Duration.ofHours(1), reg);
    s.want(Set.of("g"));
    for (int i = 0; i < 5; i++) {
      s.ingest("gw", List.of(new Sample("g", Map.of("i", "" + i), i)), T0);
    }
    assertEquals(3, s.size());
    assertEquals(2.0, reg.get(SampleStore.DROPPED).counter().count());
  }

  @Test
  void seriesNotSeenForLongAreEvicted() {
    SampleStore s = new SampleStore(SampleStore.Tiers.forInterval(Duration.ofSeconds(15)), 10, Duration.ofHours(1), null);
    s.want(Set.of("g"));
    s.ingest("a", List.of(new Sample("g", Map.of(), 1)), T0);
    s.ingest("b", List.of(new Sample("g", Map.of(), 1)), T0.plus(Duration.ofMinutes(50)));
    assertEquals(1, s.evict(T0.plus(Duration.ofMinutes(61))));
    assertEquals(1, s.size());
    s.want(Set.of());
    assertEquals(0, s.size(), "a metric no rule reads any more is forgotten");
  }

  @Test
  void ringKeepsTheNewestWhenFull() {
    Ring r = new Ring(40);
    for (int i = 0; i < 100; i++) {
      r.add(i, i);
    }
    assertEquals(40, r.size());
    assertEquals(60, r.time(0));
    assertEquals(99, r.time(39));
    assertEquals(75, r.atOrBefore(75) + 60);
    assertEquals(-1, r.atOrBefore(59));
  }

  @Test
  void aCounterBornAfterTheFirstScrapeCountsFromZero() {
    SampleStore s = store(10);
    s.ingest("gw", List.of(new Sample("g", Map.of(), 1)), T0);
    // the first 5xx happened between scrapes: the series appears at 50
    s.ingest("gw", List.of(new Sample("c_total", Map.of("status", "503"), 50)), T0.plusSeconds(15));
    assertEquals(50.0, only(s, "c_total").increase(Duration.ofMinutes(5), T0.plusSeconds(15)).orElseThrow());
    // but on the very first scrape of a target (or of alert-service itself) a counter's value is history, not news
    s.ingest("fresh", List.of(new Sample("c_total", Map.of("status", "503"), 50)), T0.plusSeconds(15));
    assertEquals(0.0, only(s, "c_total{instance=\"fresh\"}").increase(Duration.ofMinutes(5), T0.plusSeconds(15))
        .orElseThrow());
  }

  @Test
  void lateSamplesAreIgnored() {
    SampleStore s = store(10);
    s.ingest("gw", List.of(new Sample("g", Map.of(), 5)), T0.plusSeconds(30));
    s.ingest("gw", List.of(new Sample("g", Map.of(), 9)), T0);
    assertEquals(5.0, only(s, "g").latest(T0).orElseThrow());
  }
}
