package io.bulwark.alert.rules;

import io.bulwark.alert.signal.EventCounter;
import io.bulwark.alert.signal.ReadinessHistory;
import io.bulwark.alert.signal.Sample;
import io.bulwark.alert.signal.SampleStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recorded request series for window tests: scrapes every 15 s of a gateway serving {@code rps} requests per second of
 * which a chosen fraction are 5xx, written as the counters Bulwark exposes.
 */
final class Traffic {
  static final Instant T0 = Instant.parse("2026-11-23T00:00:00Z");
  static final Duration STEP = Duration.ofSeconds(15);

  final SampleStore store = new SampleStore(SampleStore.Tiers.forInterval(STEP), 20_000, Duration.ofDays(6), null);
  final Map<String, ReadinessHistory> readiness = new LinkedHashMap<>();
  final EventCounter events = new EventCounter(Clock.systemUTC());
  final Signals signals = new Signals(store, readiness, events, Duration.ofMinutes(5));
  Instant now = T0;
  private double ok;
  private double errors;
  private final double rps;

  Traffic(double rps) {
    this.rps = rps;
  }

  /** Puts {@code set} in force the way the engine does. */
  RuleEngine engine(RuleSet set) {
    return new RuleEngine(set, signals, null);
  }

  /** Serves {@code d} of traffic with this error ratio, one scrape per step; returns the time reached. */
  Instant serve(Duration d, double errorRatio) {
    for (long s = 0; s < d.toSeconds(); s += STEP.toSeconds()) {
      now = now.plus(STEP);
      errors += rps * STEP.toSeconds() * errorRatio;
      ok += rps * STEP.toSeconds() * (1 - errorRatio);
      scrape();
    }
    return now;
  }

  void scrape() {
    List<Sample> samples = new ArrayList<>();
    samples.add(request("200", ok));
    samples.add(request("503", errors));
    samples.add(new Sample("bulwark_api_requests_total", Map.of("method", "GET", "route", "/health", "service",
        "gateway", "status", "503"), errors * 10)); // management routes must not count
    store.ingest("gateway", samples, now);
  }

  private static Sample request(String status, double count) {
    return new Sample("bulwark_api_requests_total", Map.of("method", "GET", "route", "/v1/things", "service", "gateway",
        "status", status), count);
  }
}
