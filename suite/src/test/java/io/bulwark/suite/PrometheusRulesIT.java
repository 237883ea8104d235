package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.ExternalTool;
import io.bulwark.shared.test.Http;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus/rules (Bulwark's default alerts as Prometheus rules) pass {@code promtool check rules} and their
 * unit tests ({@code promtool test rules}), every alert has a test, the names and severities are alert-service's own,
 * every metric they read is one a running suite really exposes, and the example Alertmanager config passes
 * {@code amtool check-config}. promtool's and amtool's output is the failure message.
 */
class PrometheusRulesIT {
  private static final Path DEPLOY = Path.of("../deploy").toAbsolutePath().normalize();
  private static final Path RULES = DEPLOY.resolve("prometheus/rules");
  private static final Path TESTS = DEPLOY.resolve("prometheus/tests");
  private static final Path DEFAULT_RULES =
      Path.of("../alert-service/src/main/resources/rules/default-rules.yaml").toAbsolutePath().normalize();
  /** alert-service rules Prometheus cannot see: they read bus events. */
  private static final Set<String> ALERT_SERVICE_ONLY =
      Set.of("BackupFailedEvent", "AuditVerificationFailedEvent");
  /** Prometheus rules alert-service cannot have: it cannot raise an alert while no instance of it leads. */
  private static final Set<String> PROMETHEUS_ONLY = Set.of("AlertServiceNoLeader");
  /**
   * Meters born at their first event or only where the feature is configured (a breaker, Redis, backups, a route, a
   * JVM's first garbage collection).
   */
  static final Set<String> BORN_LATER = Set.of("bulwark_backup_failures_total", "jvm_gc_pause_seconds_sum",
      "bulwark_gateway_upstream_duration_seconds_bucket", "bulwark_gateway_circuit_state", "bulwark_ratelimit_redis_up",
      "bulwark_security_events_total", "bulwark_gateway_audit_spool_dropped_total", "vertx_pool_queue_pending",
      // per receiver and result, per failing rule, and only with a receivers file
      "bulwark_alert_notifications_total", "bulwark_alert_rule_evaluation_failures_total",
      "bulwark_alert_receivers_reloads_total");
  private static final Pattern ALERT = Pattern.compile("^\\s+- alert: (\\w+)", Pattern.MULTILINE);

  @Test
  void promtoolChecksTheRules() throws IOException {
    Path promtool = ExternalTool.require("promtool", "prometheus");
    List<String> cmd = new ArrayList<>(List.of(promtool.toString(), "check", "rules"));
    cmd.addAll(files(RULES));
    ExternalTool.Result r = ExternalTool.run(60, cmd.toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.output());
  }

  @Test
  void promtoolUnitTestsPass() throws IOException {
    Path promtool = ExternalTool.require("promtool", "prometheus");
    List<String> cmd = new ArrayList<>(List.of(promtool.toString(), "test", "rules"));
    cmd.addAll(files(TESTS));
    ExternalTool.Result r = ExternalTool.run(600, cmd.toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.output());
    assertEquals(files(TESTS).size(), r.output().lines().filter(l -> l.trim().equals("SUCCESS")).count(), r.output());
  }

  @Test
  void everyAlertIsUnitTested() throws IOException {
    Set<String> tested = new TreeSet<>();
    for (String f : files(TESTS)) {
      Matcher m = Pattern.compile("alertname: (\\w+)").matcher(Files.readString(Path.of(f)));
      while (m.find()) {
        tested.add(m.group(1));
      }
    }
    Set<String> untested = new TreeSet<>(severitiesOfPrometheusAlerts().keySet());
    untested.removeAll(tested);
    assertEquals(Set.of(), untested, "alerts without a promtool test");
  }

  @Test
  void namesAndSeveritiesAreAlertServiceDefaults() throws IOException {
    Map<String, Set<String>> ours = severitiesOfPrometheusAlerts();
    Map<String, Set<String>> theirs = new TreeMap<>();
    // each rule of default-rules.yaml: "  - name: X" then its keys; severity, or severity_page/_ticket for burn rates
    String[] blocks = Files.readString(DEFAULT_RULES).split("\n  - name: ");
    for (int i = 1; i < blocks.length; i++) {
      String name = blocks[i].substring(0, blocks[i].indexOf('\n')).trim();
      Matcher sev = Pattern.compile("\n    severity(?:_page|_ticket)?: (\\w+)").matcher(blocks[i]);
      Set<String> s = new TreeSet<>();
      while (sev.find()) {
        s.add(sev.group(1));
      }
      if (!ALERT_SERVICE_ONLY.contains(name)) {
        theirs.put(name, s);
      }
    }
    ours.keySet().removeAll(PROMETHEUS_ONLY);
    assertEquals(theirs, ours, "Prometheus rules drifted from alert-service's default rules (names -> severities)");
  }

  @Test
  void everyMetricTheRulesReadIsExposedByARunningSuite() throws Exception {
    Set<String> wanted = new TreeSet<>();
    String rules = (Files.readString(RULES.resolve("bulwark-alerts.yml")) + Files.readString(RULES.resolve("bulwark-slo.yml")))
        .lines().filter(l -> !l.trim().startsWith("#")).collect(java.util.stream.Collectors.joining("\n"));
    Matcher m = Pattern.compile("\\b((?:bulwark|vertx|process|jvm)_[a-z_]+|up)\\s*[{\\[)]").matcher(rules);
    while (m.find()) {
      if (!m.group(1).startsWith("bulwark_api_error_ratio")) {
        wanted.add(m.group(1));
      }
    }
    wanted.remove("up");
    wanted.removeAll(BORN_LATER);
    Set<String> exposed = new TreeSet<>();
    try (SuiteHarness suite = new SuiteHarness("prometheus_rules")) {
      Http.get(suite.gateway() + "/api/nothing-here");
      for (String service : List.of("gateway", "audit", "backup", "alert")) {
        Http.get(suite.management(service) + "/ready");
        String body = Http.get(suite.management(service) + "/metrics").body();
        body.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
            .forEach(l -> exposed.add(l.split("[{ ]", 2)[0]));
      }
    }
    Set<String> missing = new TreeSet<>(wanted);
    missing.removeAll(exposed);
    assertEquals(Set.of(), missing, "the rules read metrics no service exposes");
  }

  @Test
  void amtoolChecksTheAlertmanagerConfig() {
    Path amtool = ExternalTool.require("amtool", "prometheus-alertmanager");
    ExternalTool.Result r = ExternalTool.run(60, amtool.toString(), "check-config",
        DEPLOY.resolve("alertmanager/alertmanager.yml").toString());
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("SUCCESS"), r.output());
  }

  private static Map<String, Set<String>> severitiesOfPrometheusAlerts() throws IOException {
    Map<String, Set<String>> out = new TreeMap<>();
    String text = Files.readString(RULES.resolve("bulwark-alerts.yml"));
    String[] blocks = text.split("\n      - alert: ");
    for (int i = 1; i < blocks.length; i++) {
      String name = blocks[i].substring(0, blocks[i].indexOf('\n')).trim();
      Matcher sev = Pattern.compile("severity: (\\w+)").matcher(blocks[i]);
      assertTrue(sev.find(), name + " has no severity");
      out.computeIfAbsent(name, k -> new TreeSet<>()).add(sev.group(1));
    }
    assertTrue(ALERT.matcher(text).results().count() == blocks.length - 1, "unexpected layout of bulwark-alerts.yml");
    return out;
  }

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".yml")).map(Path::toString).sorted().toList();
    }
  }
}
