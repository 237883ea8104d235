package io.bulwark.alert.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RulesParserTest {

  static List<String> problems(String yaml) {
    return assertThrows(RulesFileException.class, () -> RulesParser.parse(yaml, "rules.yaml", 1.0)).problems();
  }

  static void assertHas(List<String> problems, String expected) {
    assertTrue(problems.stream().anyMatch(p -> p.startsWith(expected.substring(0, expected.indexOf(' ') + 1))
        && p.contains(expected.substring(expected.indexOf(' ') + 1))), "no '" + expected + "' in " + problems);
  }

  @Test
  void everyProblemWithItsLineAtOnce() {
    List<String> p = problems("""
        rules:
          - name: A
            kind: threshold
            severity: loud
            rate: 'm_total{a=b}'
            window: 5 minutes
            value: x
          - name: B
            kind: nonsense
            severity: info
          - name: C
            kind: latency
            severity: warning
            buckets: m_seconds
            quantile: 95
            window: 5m
            value: 0.5
            colour: red
        inhibit:
          - source: {severity: critical}
        """);
    assertHas(p, "rules.yaml:4: severity must be critical, warning or info (got 'loud')");
    assertHas(p, "rules.yaml:5: value of a must be in double quotes");
    assertHas(p, "rules.yaml:6: window must be a duration");
    assertHas(p, "rules.yaml:7: value must be a number");
    assertHas(p, "rules.yaml:9: unknown kind 'nonsense'");
    assertHas(p, "rules.yaml:14: buckets must select a histogram's _bucket series");
    assertHas(p, "rules.yaml:15: quantile must be between 0 and 1");
    assertHas(p, "rules.yaml:18: unknown key 'colour'");
    assertHas(p, "rules.yaml:20: inhibit: source and target are required");
    assertTrue(p.size() >= 9, p.toString());
  }

  @Test
  void yamlSyntaxErrorNamesItsLine() {
    List<String> p = problems("rules:\n  - name: A\n    kind: [unclosed\n  - x\n");
    assertEquals(1, p.size());
    assertTrue(p.get(0).matches("rules\\.yaml:\\d+: not valid YAML: .*"), p.get(0));
  }

  @Test
  void structuralProblems() {
    assertHas(problems(""), "rules.yaml:1: the file is empty");
    assertHas(problems("rulez: []\n"), "rules.yaml:1: unknown key 'rulez'");
    assertHas(problems("rulez: []\n"), "rules.yaml:1: a 'rules:' list is required");
    assertHas(problems("rules: {a: 1}\n"), "rules.yaml:1: rules must be a list");
    assertHas(problems("rules:\n  - kind: flap\n    severity: info\n"), "rules.yaml:2: a rule needs a name");
    assertHas(problems("rules:\n  - name: A\n    name: B\n    kind: flap\n    severity: info\n"),
        "rules.yaml:3: key 'name' appears twice");
    assertHas(problems("rules:\n  - {name: A, kind: flap, severity: info}\n  - {name: A, kind: flap, severity: info}\n"),
        "rules.yaml:3: rule name 'A' is used by an earlier rule");
    assertHas(problems("rules:\n  - {name: A b, kind: flap, severity: info}\n"), "rules.yaml:2: rule name 'A b' must be");
    assertHas(problems("rules:\n  - {name: A, kind: flap, severity: info, labels: {alertname: x}}\n"),
        "rules.yaml:2: labels must not set alertname");
  }

  @Test
  void kindSpecificProblems() {
    assertHas(problems("rules:\n  - {name: A, kind: threshold, severity: info, rate: a_total, gauge: b, value: 1}\n"),
        "rules.yaml:2: a threshold rule needs exactly one of");
    assertHas(problems("rules:\n  - {name: A, kind: threshold, severity: info, rate: a_total, value: 1}\n"),
        "rules.yaml:2: window is required");
    assertHas(problems("rules:\n  - {name: A, kind: threshold, severity: info, gauge: g, window: 5m, value: 1}\n"),
        "rules.yaml:2: window does not apply to gauge");
    assertHas(problems("rules:\n  - {name: A, kind: threshold, severity: info, gauge: g, op: '=>', value: 1}\n"),
        "rules.yaml:2: op must be one of");
    assertHas(problems("rules:\n  - {name: A, kind: threshold, severity: info, absent: g, window: 1h, value: 1}\n"),
        "rules.yaml:2: absent takes no op or value");
    assertHas(problems("rules:\n  - {name: A, kind: burn_rate, errors: e_total, good: g_total, total: t_total}\n"),
        "rules.yaml:2: needs exactly one of errors or good");
    assertHas(problems("rules:\n  - {name: A, kind: burn_rate, errors: e_total, total: t_total, objective: 100}\n"),
        "rules.yaml:2: objective is a percentage");
    assertHas(problems("rules:\n  - name: A\n    kind: burn_rate\n    errors: e_total\n    total: t_total\n"
        + "    windows:\n      - {class: page, long: 5m, short: 1h, factor: 14.4}\n"),
        "rules.yaml:7: the short window must be shorter");
    assertHas(problems("rules:\n  - {name: A, kind: event_spike, severity: info, source: mail, count: 3, window: 5m}\n"),
        "rules.yaml:2: source must be one of audit, auth, backup, keys");
    assertHas(problems("rules:\n  - {name: A, kind: event, severity: info, source: audit}\n"),
        "rules.yaml:2: hold is required");
    assertHas(problems("rules:\n  - {name: A, kind: flap, severity: info, failures: 0}\n"),
        "rules.yaml:2: failures must be a whole number");
  }

  @Test
  void validFileWithDefaultsAndScale() {
    RuleSet set = RulesParser.parse("""
        defaults:
          objective: 99.9
        rules:
          - name: Slo
            kind: burn_rate
            errors: 'e_total{code=~"5.."}'
            total: t_total
            for: 2m
          - name: Flaps
            kind: flap
            severity: warning
        inhibit:
          - source: {severity: critical}
            target: {severity: warning}
            equal: [service]
        """, "r.yaml", 0.5);
    assertEquals(List.of("Slo", "Flaps"), set.names());
    BurnRateRule slo = (BurnRateRule) set.rules().get(0);
    assertEquals(99.9, slo.objective());
    assertEquals(Duration.ofMinutes(1), slo.meta().forDuration());
    assertEquals(Duration.ofMinutes(30), slo.windows().get(0).longWindow());
    assertEquals(java.util.Set.of("e_total", "t_total"), set.metricNames());
    assertEquals(1, set.inhibitions().size());
    assertEquals(List.of("service"), set.inhibitions().get(0).equal());
    assertEquals(Duration.ofSeconds(150), ((FlapRule) set.rules().get(1)).window());
  }
}
