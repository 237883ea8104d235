package io.bulwark.alert.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The multiwindow burn-rate math against recorded request series (99.5 % objective: budget 0.005). */
class BurnRateWindowTest {
  static final String RULES = """
      rules:
        - name: Availability
          kind: burn_rate
          summary: burn
          errors: 'bulwark_api_requests_total{service="gateway",status=~"5..",route!~"/health|/ready|/metrics"}'
          total: 'bulwark_api_requests_total{service="gateway",route!~"/health|/ready|/metrics"}'
      """;

  static Map<String, Firing> bySeverity(Traffic t, RuleEngine engine) {
    return engine.evaluate(t.now).stream().collect(Collectors.toMap(Firing::severity, f -> f));
  }

  static RuleEngine engine(Traffic t) {
    return t.engine(RulesParser.parse(RULES, "test", 1.0));
  }

  @Test
  void twoPercentForSeventyMinutesDoesNotPage() {
    Traffic t = new Traffic(10);
    RuleEngine e = engine(t);
    t.serve(Duration.ofMinutes(70), 0.02);
    // 0.02 < 14.4 × 0.005 = 0.072 and < 6 × 0.005 = 0.03; but above 3 × 0.005 = 0.015: a ticket
    Map<String, Firing> f = bySeverity(t, e);
    assertTrue(!f.containsKey("critical"), f.toString());
    assertEquals("1d/2h", f.get("warning").annotations().get("window"));
  }

  @Test
  void tenPercentForSeventyMinutesPagesAndSaysWhichPair() {
    Traffic t = new Traffic(10);
    RuleEngine e = engine(t);
    t.serve(Duration.ofMinutes(70), 0.10);
    Firing page = bySeverity(t, e).get("critical");
    assertEquals("1h/5m", page.annotations().get("window"));
    assertEquals("page", page.annotations().get("burn_class"));
    assertTrue(page.annotations().get("condition").startsWith("error ratio 1h=0.1 and 5m=0.1 > 14.4 × 0.005"),
        page.annotations().get("condition"));
    assertTrue(page.annotations().get("condition").contains("6h=0.1 and 30m=0.1 > 6 × 0.005"));
    assertEquals(0.1, page.value(), 1e-9);
    assertEquals("Availability", page.labels().get("alertname"));
    assertEquals("gateway", page.labels().get("instance"));
    assertEquals("gateway", page.labels().get("service"));
  }

  @Test
  void aSpikeThatOnlyFillsTheShortWindowDoesNotPage() {
    Traffic t = new Traffic(10);
    RuleEngine e = engine(t);
    t.serve(Duration.ofMinutes(70), 0.0);
    t.serve(Duration.ofMinutes(5), 0.4);
    // 5 m: 0.4 > 0.072, but 1 h: 0.4 × 5/60 ≈ 0.033 < 0.072; 30 m: 0.067 > 0.03 but 6 h (75 min so far): 0.027 < 0.03
    Map<String, Firing> f = bySeverity(t, e);
    assertTrue(!f.containsKey("critical"), f.toString());
  }

  @Test
  void recoveryClearsTheShortWindowFirstAndStopsFiring() {
    Traffic t = new Traffic(10);
    RuleEngine e = engine(t);
    t.serve(Duration.ofMinutes(70), 0.10);
    assertTrue(bySeverity(t, e).containsKey("critical"));
    t.serve(Duration.ofMinutes(6), 0.0);
    // the 1 h ratio is still ≈ 0.09, far above 0.072 — but the 5 m window is clean
    Map<String, Firing> f = bySeverity(t, e);
    assertTrue(!f.containsKey("critical") || !f.get("critical").annotations().get("condition").contains("1h="),
        f.toString());
    t.serve(Duration.ofMinutes(31), 0.0);
    assertTrue(!bySeverity(t, e).containsKey("critical"), "30 m clean: neither page pair fires");
  }

  @Test
  void noTrafficNoAlert() {
    Traffic t = new Traffic(0);
    RuleEngine e = engine(t);
    t.serve(Duration.ofMinutes(70), 0.5);
    assertEquals(List.of(), e.evaluate(t.now));
  }

  /** Table: the page pair 1h/5m fires exactly when both ratios exceed 0.072. */
  @ParameterizedTest
  @CsvSource({"0.05, 0.05, false", "0.08, 0.08, true", "0.08, 0.0, false", "0.0, 0.8, false", "0.073, 0.073, true",
      "0.071, 0.071, false"})
  void pagePairTable(double firstHour, double lastFive, boolean fires) {
    Traffic t = new Traffic(100);
    RuleSet set = RulesParser.parse("""
        rules:
          - name: A
            kind: burn_rate
            errors: 'bulwark_api_requests_total{status=~"5..",route!="/health"}'
            total: 'bulwark_api_requests_total{route!="/health"}'
            windows:
              - {class: page, long: 1h, short: 5m, factor: 14.4}
        """, "t", 1.0);
    RuleEngine e = t.engine(set);
    t.serve(Duration.ofMinutes(55), firstHour);
    t.serve(Duration.ofMinutes(5), lastFive);
    assertEquals(fires, !e.evaluate(t.now).isEmpty(), "1h=" + firstHour + " 5m=" + lastFive);
  }

  @Test
  void timeScaleShrinksTheWindows() {
    Traffic t = new Traffic(10);
    RuleEngine e = t.engine(RulesParser.parse(RULES, "test", 0.01)); // 1 h → 36 s, 5 m → 3 s
    t.serve(Duration.ofMinutes(1), 0.10);
    assertEquals("1h/5m", bySeverity(t, e).get("critical").annotations().get("window"));
  }
}
