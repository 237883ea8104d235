package io.bulwark.alert.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.alert.signal.ReadinessHistory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Each rule kind against hand-made signals. */
class RuleKindsTest {
  final Traffic t = new Traffic(10);

  RuleEngine engine(String rule) {
    return t.engine(RulesParser.parse("rules:\n" + rule.indent(2), "t", 1.0));
  }

  void gauge(String name, String instance, double v, Instant at) {
    t.store.put(name, new TreeMap<>(Map.of("instance", instance)), v, at);
  }

  @Test
  void ageMeasuresFromFirstSightWhenTheGaugeIsZero() {
    RuleEngine e = engine("""
        - {name: Stale, kind: threshold, severity: critical, age: last_success_seconds, op: '>', value: 3600}
        """);
    Instant t0 = Traffic.T0;
    for (int m = 0; m <= 90; m += 1) {
      gauge("last_success_seconds", "backup", 0, t0.plus(Duration.ofMinutes(m)));
      if (m == 30) {
        assertEquals(List.of(), e.evaluate(t0.plus(Duration.ofMinutes(m))), "a fresh install does not fire at once");
      }
    }
    List<Firing> f = e.evaluate(t0.plus(Duration.ofMinutes(90)));
    assertEquals(1, f.size());
    assertEquals(5400.0, f.get(0).value(), 1e-9);
    assertEquals("backup", f.get(0).labels().get("instance"));
    // a success 10 minutes ago: age 600 s
    Instant now = t0.plus(Duration.ofMinutes(91));
    gauge("last_success_seconds", "backup", now.getEpochSecond() - 600, now);
    assertEquals(List.of(), e.evaluate(now));
  }

  @Test
  void absentFiresWhenNoSampleCameForTheWindow() {
    RuleEngine e = engine("""
        - {name: Gone, kind: threshold, severity: warning, absent: 'heartbeat{job="x"}', window: 10m}
        """);
    Instant t0 = Traffic.T0;
    List<Firing> none = e.evaluate(t0);
    assertEquals(1, none.size(), "never seen is absent");
    assertEquals("x", none.get(0).labels().get("job"));
    t.store.put("heartbeat", new TreeMap<>(Map.of("job", "x")), 1, t0);
    assertEquals(List.of(), e.evaluate(t0.plus(Duration.ofMinutes(9))));
    assertEquals(1, e.evaluate(t0.plus(Duration.ofMinutes(11))).size());
  }

  @Test
  void gaugeAggregatesPerGroupAndCountZero() {
    RuleEngine max = engine("""
        - {name: Deep, kind: threshold, severity: warning, gauge: depth, aggregate: sum, by: [instance], value: 10}
        - {name: ManyDown, kind: threshold, severity: critical, gauge: ready, aggregate: count_zero, op: '>=', value: 2}
        """);
    Instant now = Traffic.T0;
    t.store.put("depth", new TreeMap<>(Map.of("instance", "a", "tier", "m")), 6, now);
    t.store.put("depth", new TreeMap<>(Map.of("instance", "a", "tier", "d")), 6, now);
    t.store.put("depth", new TreeMap<>(Map.of("instance", "b", "tier", "m")), 6, now);
    gauge("ready", "a", 0, now);
    gauge("ready", "b", 1, now);
    List<Firing> f = max.evaluate(now);
    assertEquals(List.of("Deep"), f.stream().map(Firing::rule).toList());
    assertEquals("a", f.get(0).labels().get("instance"));
    assertEquals(12.0, f.get(0).value());
    gauge("ready", "c", 0, now);
    assertEquals(2, max.evaluate(now).size());
    // stale gauges (older than the 5 min staleness) no longer count
    assertEquals(List.of(), max.evaluate(now.plus(Duration.ofMinutes(6))));
  }

  @Test
  void increaseAndRate() {
    RuleEngine e = engine("""
        - {name: Inc, kind: threshold, severity: info, increase: 'bulwark_api_requests_total{status="503",route="/v1/things"}', window: 5m, op: '>=', value: 150}
        - {name: Rate, kind: threshold, severity: info, rate: 'bulwark_api_requests_total{status="200"}', window: 5m, op: '>', value: 8.9}
        """);
    t.serve(Duration.ofMinutes(10), 0.05); // 10 rps: 0.5 rps of 503 → 150 in 5 min; 9.5 rps of 200
    List<Firing> f = e.evaluate(t.now);
    assertEquals(2, f.size(), f.toString());
    Firing inc = f.stream().filter(x -> x.rule().equals("Inc")).findFirst().orElseThrow();
    assertEquals(150.0, inc.value(), 1e-6);
    assertEquals("5m", inc.annotations().get("window"));
    assertTrue(inc.annotations().get("condition").startsWith("increase(bulwark_api_requests_total{status=\"503\",route=\"/v1/things\"}[5m])"));
  }

  @Test
  void latencyQuantileFromBuckets() {
    RuleEngine e = engine("""
        - {name: Slow, kind: latency, severity: warning, buckets: 'd_seconds_bucket{route!="/health"}', quantile: 0.95, window: 5m, value: 0.5, by: [route]}
        """);
    Instant t0 = Traffic.T0;
    for (int m = 0; m <= 10; m++) {
      long n = 100L * m;
      for (String route : List.of("/fast", "/slow")) {
        boolean slow = route.equals("/slow");
        Map<String, Double> b = Map.of("0.1", slow ? 0.5 * n : n, "0.5", slow ? 0.8 * n : n, "1", (double) n, "+Inf",
            (double) n);
        Instant at = t0.plus(Duration.ofMinutes(m));
        b.forEach((le, v) -> t.store.put("d_seconds_bucket", new TreeMap<>(Map.of("route", route, "le", le,
            "instance", "gw")), v, at));
      }
    }
    List<Firing> f = e.evaluate(t0.plus(Duration.ofMinutes(10)));
    assertEquals(1, f.size(), f.toString());
    assertEquals("/slow", f.get(0).labels().get("route"));
    assertEquals("gw", f.get(0).labels().get("instance"));
    // rank 95 of 100 in (0.5, 1] holding 20: 0.5 + 0.5 × 15/20
    assertEquals(0.875, f.get(0).value(), 1e-9);
  }

  @Test
  void flapCountsTransitionsIntoFailure() {
    RuleEngine e = engine("""
        - {name: Flaps, kind: flap, severity: warning, failures: 3, window: 5m}
        """);
    ReadinessHistory h = new ReadinessHistory(1000, Duration.ofHours(1));
    t.readiness.put("audit", h);
    Instant t0 = Traffic.T0;
    boolean[] probes = {true, false, false, true, false, true, true, true};
    for (int i = 0; i < probes.length; i++) {
      h.record(t0.plusSeconds(15L * i), probes[i]);
    }
    assertEquals(List.of(), e.evaluate(t0.plusSeconds(120)), "twice (a run of two 503s counts once) does not fire");
    h.record(t0.plusSeconds(135), false);
    List<Firing> f = e.evaluate(t0.plusSeconds(140));
    assertEquals(1, f.size());
    assertEquals("audit", f.get(0).labels().get("instance"));
    assertEquals(3.0, f.get(0).value());
    assertEquals(List.of(), e.evaluate(t0.plusSeconds(15 + 301)), "the first failure left the 5 min window");
  }

  @Test
  void eventSpikeGroupsBySubject() {
    RuleEngine e = engine("""
        - {name: Spike, kind: event_spike, severity: warning, source: auth, group_by: subject, count: 3, window: 1m}
        """);
    Instant t0 = Traffic.T0;
    for (int i = 0; i < 3; i++) {
      t.events.record("auth", new JsonObject().put("subject", "ip:1.2.3.4"), t0.plusSeconds(i));
      t.events.record("auth", new JsonObject().put("subject", "key:abc"), t0.plusSeconds(i * 30L));
    }
    t.events.record("backup", new JsonObject().put("subject", "ip:1.2.3.4"), t0);
    List<Firing> f = e.evaluate(t0.plusSeconds(10));
    assertEquals(1, f.size(), f.toString());
    assertEquals("ip:1.2.3.4", f.get(0).labels().get("subject"));
    assertEquals(List.of(), e.evaluate(t0.plusSeconds(70)), "the burst left the window");
  }

  @Test
  void eventHoldsUntilClearedOrExpired() {
    RuleEngine e = engine("""
        - name: Failed
          kind: event
          severity: critical
          source: backup
          match: {type: backup.failed}
          clear: {type: backup.succeeded}
          hold: 1h
        """);
    Instant t0 = Traffic.T0;
    t.events.record("backup", new JsonObject().put("type", "backup.started"), t0);
    assertEquals(List.of(), e.evaluate(t0));
    t.events.record("backup", new JsonObject().put("type", "backup.failed"), t0.plusSeconds(1));
    assertEquals(1, e.evaluate(t0.plusSeconds(60)).size());
    t.events.record("backup", new JsonObject().put("type", "backup.succeeded"), t0.plusSeconds(120));
    assertEquals(List.of(), e.evaluate(t0.plusSeconds(121)));
    t.events.record("backup", new JsonObject().put("type", "backup.failed"), t0.plusSeconds(200));
    assertEquals(1, e.evaluate(t0.plusSeconds(201)).size());
    assertEquals(List.of(), e.evaluate(t0.plusSeconds(200 + 3601)), "held for an hour only");
  }

  @Test
  void aFailingRuleDoesNotStopTheOthers() {
    SimpleMeterRegistry reg = new SimpleMeterRegistry();
    RuleMeta meta = new RuleMeta("Boom", "info", Map.of(), "x", Duration.ZERO, List.of());
    Rule boom = new Rule() {
      public RuleMeta meta() {
        return meta;
      }

      public List<Firing> evaluate(Signals s, Instant now) {
        throw new IllegalStateException("boom");
      }
    };
    RuleSet good = RulesParser.parse("""
        rules:
          - {name: Gone, kind: threshold, severity: warning, absent: nothing_here, window: 1m}
        """, "t", 1.0);
    RuleEngine e = new RuleEngine(new RuleSet("t", List.of(boom, good.rules().get(0)), List.of()), t.signals, reg);
    assertEquals(List.of("Gone"), e.evaluate(Traffic.T0).stream().map(Firing::rule).toList());
    e.evaluate(Traffic.T0);
    assertEquals(2.0, reg.get(RuleEngine.FAILURES).tag("rule", "Boom").counter().count());
    assertEquals(java.util.Set.of("Boom"), e.failing(), "the lifecycle keeps Boom's alerts as they are");
  }

  @Test
  void summaryTemplatesAndLabels() {
    RuleEngine e = engine("""
        - name: Down
          kind: threshold
          severity: critical
          gauge: up
          by: [instance]
          op: '=='
          value: 0
          for: 2m
          labels: {team: ops}
          summary: "{{ $labels.instance }} is down ({{ $value }})"
        """);
    gauge("up", "audit", 0, Traffic.T0);
    Firing f = e.evaluate(Traffic.T0).get(0);
    assertEquals("audit is down (0)", f.annotations().get("summary"));
    assertEquals(Map.of("alertname", "Down", "severity", "critical", "team", "ops", "instance", "audit"), f.labels());
    assertEquals(Duration.ofMinutes(2), f.forDuration());
  }
}
