package io.bulwark.alert.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.alert.signal.PromTextParser;
import io.bulwark.alert.signal.ReadinessHistory;
import io.bulwark.alert.signal.SampleStore;
import io.bulwark.alert.signal.TargetScraper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The built-in rules load, and each evaluates without error on realistic scrapes of the four services. */
class DefaultRulesTest {
  static final Instant T0 = Instant.parse("2026-11-23T00:00:00Z");

  static String gateway(int minute, double fivexx, boolean redisUp) {
    long ok = 600L * minute;
    return """
        # HELP bulwark_api_requests_total HTTP requests served
        # TYPE bulwark_api_requests_total counter
        bulwark_api_requests_total{method="GET",route="/v1/things",service="gateway",status="200",} %d.0
        bulwark_api_requests_total{method="GET",route="/v1/things",service="gateway",status="503",} %s
        bulwark_api_requests_total{method="GET",route="/health",service="gateway",status="200",} %d.0
        bulwark_api_requests_total{method="POST",route="/alerts/:id/resolve",service="gateway",status="401",} 1.0
        # TYPE bulwark_api_request_duration_seconds histogram
        bulwark_api_request_duration_seconds_bucket{method="GET",route="/v1/things",service="gateway",status="200",le="0.05",} %d.0
        bulwark_api_request_duration_seconds_bucket{method="GET",route="/v1/things",service="gateway",status="200",le="0.2",} %d.0
        bulwark_api_request_duration_seconds_bucket{method="GET",route="/v1/things",service="gateway",status="200",le="0.5",} %d.0
        bulwark_api_request_duration_seconds_bucket{method="GET",route="/v1/things",service="gateway",status="200",le="+Inf",} %d.0
        bulwark_api_request_duration_seconds_count{method="GET",route="/v1/things",service="gateway",status="200",} %d.0
        bulwark_security_events_total{event="auth.success",service="gateway",} %d.0
        bulwark_security_events_total{event="auth.failure",service="gateway",} 2.0
        bulwark_security_events_total{event="ratelimit.exceeded",service="gateway",} 1.0
        bulwark_gateway_circuit_state{route="things",service="gateway",} 0.0
        bulwark_gateway_audit_spool_depth{service="gateway",tier="memory",} 3.0
        bulwark_gateway_audit_spool_depth{service="gateway",tier="database",} 0.0
        bulwark_gateway_audit_spool_oldest_age_seconds{service="gateway",} 0.2
        bulwark_gateway_audit_spool_dropped_total{service="gateway",} 0.0
        bulwark_ratelimit_redis_up{service="gateway",} %s
        vertx_pool_in_use{pool_name="bulwark-gateway",pool_type="sql",service="gateway",} 1.0
        vertx_pool_ratio{pool_name="bulwark-gateway",pool_type="sql",service="gateway",} 0.125
        vertx_pool_queue_pending{pool_name="bulwark-gateway",pool_type="sql",service="gateway",} 0.0
        process_uptime_seconds{service="gateway",} %d.0
        """.formatted(ok, fivexx * 600 * minute, 4L * minute, ok * 9 / 10, ok, ok, ok, ok, ok, redisUp ? "1.0" : "0.0",
        60L * minute);
  }

  static String audit(int minute, double verificationFailures) {
    return """
        bulwark_audit_verification_failures_total{service="audit",} %s
        bulwark_audit_checkpoint_age_seconds{service="audit",} 0.8
        bulwark_audit_append_failures_total{service="audit",} 0.0
        bulwark_audit_writer_leader{service="audit",} 1.0
        bulwark_api_requests_total{method="GET",route="/health",service="audit",status="200",} %d.0
        """.formatted(verificationFailures, 4L * minute);
  }

  static String backup(Instant now, double lastFailure) {
    return """
        bulwark_backup_last_success_timestamp_seconds{service="backup",} %d.0
        bulwark_backup_last_failure_timestamp_seconds{service="backup",} %s
        bulwark_restore_drill_last_failure_timestamp_seconds{service="backup",} 0.0
        bulwark_backup_storage_free_bytes{service="backup",} 8.0E10
        bulwark_backup_storage_total_bytes{service="backup",} 1.0E11
        """.formatted(now.getEpochSecond() - 3600, lastFailure);
  }

  record World(SampleStore store, Map<String, ReadinessHistory> readiness, RuleEngine engine,
               SimpleMeterRegistry registry) {
  }

  static World world() {
    SampleStore store = new SampleStore(SampleStore.Tiers.forInterval(Duration.ofSeconds(15)), 20_000,
        Duration.ofDays(6), null);
    Map<String, ReadinessHistory> readiness = new TreeMap<>();
    for (String t : List.of("gateway", "audit", "backup", "alert")) {
      readiness.put(t, new ReadinessHistory(1000, Duration.ofHours(1)));
    }
    SimpleMeterRegistry reg = new SimpleMeterRegistry();
    Signals signals = new Signals(store, readiness, new io.bulwark.alert.signal.EventCounter(Clock.systemUTC()),
        Duration.ofMinutes(1));
    return new World(store, readiness, new RuleEngine(RulesFile.defaults(1.0), signals, reg), reg);
  }

  static void scrape(World w, Instant at, int minute, double fivexx, boolean gatewayUp, double backupFailure) {
    if (gatewayUp) {
      w.store.ingest("gateway", PromTextParser.parse(gateway(minute, fivexx, true)).samples(), at);
    }
    w.store.ingest("audit", PromTextParser.parse(audit(minute, 0)).samples(), at);
    w.store.ingest("backup", PromTextParser.parse(backup(at, backupFailure)).samples(), at);
    for (String t : List.of("gateway", "audit", "backup", "alert")) {
      boolean up = gatewayUp || !t.equals("gateway");
      w.store.put(TargetScraper.UP, new TreeMap<>(Map.of("instance", t)), up ? 1 : 0, at);
      w.store.put(TargetScraper.READY, new TreeMap<>(Map.of("instance", t)), up ? 1 : 0, at);
      w.readiness.get(t).record(at, up);
    }
  }

  @Test
  void loadsWithEveryKindAndSeedAlert() {
    RuleSet set = RulesFile.defaults(1.0);
    Set<Class<?>> kinds = set.rules().stream().map(Object::getClass).collect(Collectors.toSet());
    assertEquals(Set.of(ThresholdRule.class, LatencyRule.class, BurnRateRule.class, FlapRule.class,
        EventSpikeRule.class, EventRule.class), kinds);
    assertTrue(set.names().containsAll(List.of("GatewayAvailabilityBurnRate", "GatewayLatencyP95SLO",
        "GatewayLatencyP95Target", "GatewayErrorRateAboveTarget", "GatewayFailureRateHigh", "ServerErrorsSustained",
        "ApiDown", "ServiceNotReady", "HealthFailuresAcrossInstances", "ReadinessFlapping", "DatabaseConnectivity",
        "DatabaseConnectionsHigh", "AuditSpoolBacklog", "BackupDiskLow", "AuthFailureRateHigh", "RateLimitSpike",
        "LoginFailureSpike", "AdminKeyChange", "ResolveMfaDenied", "AuthAnomaly", "BackupFailed", "BackupStale",
        "AuditVerificationFailed", "CircuitBreakerOpen")), set.names().toString());
    assertTrue(set.metricNames().contains("bulwark_api_request_duration_seconds_bucket"));
    assertEquals(5, set.inhibitions().size());
  }

  @Test
  void healthySuiteFiresNothingAndNoRuleFails() {
    World w = world();
    Instant now = T0;
    for (int m = 1; m <= 20; m++) {
      now = T0.plus(Duration.ofMinutes(m));
      scrape(w, now, m, 0, true, 0);
    }
    assertEquals(List.of(), w.engine.evaluate(now));
    assertTrue(w.registry.find(RuleEngine.FAILURES).counters().isEmpty(), "no rule failed");
  }

  @Test
  void failuresFireTheirRules() {
    World w = world();
    Instant now = T0;
    for (int m = 1; m <= 20; m++) {
      now = T0.plus(Duration.ofMinutes(m));
      scrape(w, now, m, m > 5 ? 0.2 : 0, m < 18, m > 10 ? now.getEpochSecond() : 0);
    }
    RuleSet rules = w.engine.rules();
    for (int i = 0; i < 12; i++) {
      w.engine.evaluate(now); // idempotent
    }
    Signals sig = new Signals(w.store, w.readiness, new io.bulwark.alert.signal.EventCounter(Clock.systemUTC()),
        Duration.ofMinutes(1));
    sig.events().watch(rules.watches());
    for (int i = 0; i < 12; i++) {
      sig.events().record("auth", new JsonObject().put("subject", "ip:10.0.0.9"), now.minusSeconds(i));
    }
    sig.events().record("backup", new JsonObject().put("type", "backup.failed"), now);
    List<Firing> firings = new java.util.ArrayList<>();
    Instant at = now.plusSeconds(1);
    rules.rules().forEach(r -> firings.addAll(r.evaluate(sig, at)));
    Set<String> names = firings.stream().map(Firing::rule).collect(Collectors.toSet());
    // gateway stopped answering at minute 18: ApiDown; before that 20 % 5xx: error ratio rules and the page burn
    assertTrue(names.containsAll(Set.of("ApiDown", "BackupFailed", "BackupFailedEvent", "LoginFailureSpike",
        "ServiceNotReady")), names.toString());
    Firing login = firings.stream().filter(f -> f.rule().equals("LoginFailureSpike")).findFirst().orElseThrow();
    assertEquals("ip:10.0.0.9", login.labels().get("subject"));
    assertEquals("warning", login.labels().get("severity"));
    firings.forEach(f -> assertTrue(f.annotations().keySet().containsAll(Set.of("summary", "condition", "window",
        "value")), f.toString()));
  }

  @Test
  void errorsFireWhileTheGatewayAnswers() {
    World w = world();
    Instant now = T0;
    for (int m = 1; m <= 70; m++) {
      now = T0.plus(Duration.ofMinutes(m));
      scrape(w, now, m, 0.2, true, 0);
    }
    Map<String, Firing> byRule = w.engine.evaluate(now).stream()
        .collect(Collectors.toMap(f -> f.rule() + "/" + f.severity(), f -> f));
    assertTrue(byRule.keySet().containsAll(Set.of("GatewayAvailabilityBurnRate/critical",
        "GatewayAvailabilityBurnRate/warning", "GatewayErrorRateAboveTarget/warning", "GatewayFailureRateHigh/critical",
        "ServerErrorsSustained/warning")), byRule.keySet().toString());
    Firing p = byRule.get("GatewayAvailabilityBurnRate/critical");
    assertEquals("1h/5m", p.annotations().get("window"));
    assertEquals("gateway", p.labels().get("service"));
    // 20 % of 600 per minute are 5xx of 720 in all: ratio 1/6
    assertEquals(1.0 / 6, byRule.get("GatewayFailureRateHigh/critical").value(), 1e-6);
  }

  /** alert-service's own meters at {@code minute}: what goes wrong starts at the minutes the test below names. */
  static String alertService(int minute) {
    return """
        bulwark_alert_notifications_total{receiver="ops",result="dead",service="alert",} %d.0
        bulwark_alert_notifications_total{receiver="log",result="dead",service="alert",} 3.0
        bulwark_alert_notifications_total{receiver="log",result="sent",service="alert",} %d.0
        bulwark_alert_outbox_oldest_pending_age_seconds{service="alert",} %s
        bulwark_alert_rule_evaluation_failures_total{rule="Broken",service="alert",} %d.0
        bulwark_alert_rule_evaluation_failures_total{rule="FailedLongAgo",service="alert",} 2.0
        bulwark_alert_rules_reloads_total{result="rejected",service="alert",} 1.0
        bulwark_alert_receivers_reloads_total{result="rejected",service="alert",} %d.0
        bulwark_alert_alerts_refused_total{service="alert",} 0.0
        bulwark_alert_ledger_records_total{result="recorded",service="alert",} %d.0
        bulwark_alert_ledger_records_total{result="dropped",service="alert",} %d.0
        """.formatted(minute >= 18 ? 1 : 0, 10L * minute, minute >= 15 ? "400.0" : "1.5", minute >= 15 ? 4 : 0,
        minute >= 16 ? 1 : 0, 20L * minute, minute >= 19 ? 7 : 0);
  }

  @Test
  void alertServiceWatchesItsOwnNotificationsRulesAndLedger() {
    World w = world();
    Instant now = T0;
    for (int m = 1; m <= 20; m++) {
      now = T0.plus(Duration.ofMinutes(m));
      scrape(w, now, m, 0, true, 0);
      w.store.ingest("alert", PromTextParser.parse(alertService(m)).samples(), now);
    }
    Map<String, Firing> byRule = w.engine.evaluate(now).stream()
        .filter(f -> f.labels().get("alertname").startsWith("Alert") || f.labels().get("alertname").startsWith("Notifications"))
        .collect(Collectors.toMap(f -> f.rule() + "/" + f.labels().getOrDefault("receiver", f.labels().getOrDefault("rule", "")),
            f -> f));
    assertEquals(Set.of("NotificationsDeadLettered/ops", "NotificationsDelayed/", "AlertRuleEvaluationFailing/Broken",
        "AlertReceiversFileRejected/", "AlertLedgerRecordsLost/"), byRule.keySet(),
        "old dead letters, an old rejection, a rule that failed long ago and no refusals stay quiet");
    assertEquals("critical", byRule.get("NotificationsDeadLettered/ops").severity());
    assertEquals(1.0, byRule.get("NotificationsDeadLettered/ops").value(), 1e-9);
    assertEquals(400.0, byRule.get("NotificationsDelayed/").value(), 1e-9);
    assertEquals(Duration.ofMinutes(2), byRule.get("NotificationsDelayed/").forDuration());
    assertEquals(7.0, byRule.get("AlertLedgerRecordsLost/").value(), 1e-9);
  }
}
