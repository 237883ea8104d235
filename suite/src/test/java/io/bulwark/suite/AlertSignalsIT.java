package io.bulwark.suite;

import static io.bulwark.suite.AlertWatch.inState;
import static io.bulwark.suite.AlertWatch.label;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.test.Http;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signals other than traffic, end to end: a target whose {@code /ready} flaps, a backup that fails, backups that go
 * stale, and a rules file that is wrong at start or broken while running. Flap windows run 10× faster
 * ({@code BULWARK_ALERT_TIME_SCALE=0.1}: 5 minutes are 30 s); the stale threshold is 4 s in this rules file.
 */
class AlertSignalsIT {
  static final String RULES = """
      rules:
        - name: ReadinessFlapping
          kind: flap
          severity: warning
          summary: "{{ $labels.instance }} went not-ready {{ $value }} times in 5 minutes"
          failures: 3
          window: 5m
        - name: BackupFailed
          kind: threshold
          severity: critical
          summary: "The last backup failed"
          gauge: bulwark_backup_last_failure_timestamp_seconds
          op: ">"
          value: 0
        - name: BackupFailedEvent
          kind: event
          severity: critical
          summary: "A backup run failed (bus event)"
          source: backup
          match: {type: backup.failed}
          clear: {type: backup.succeeded}
          hold: 1h
        - name: BackupStale
          kind: threshold
          severity: critical
          summary: "No successful backup for {{ $value }}s"
          age: bulwark_backup_last_success_timestamp_seconds
          op: ">"
          value: 4
      inhibit:
        - source: {alertname: BackupFailed}
          target: {alertname: BackupFailedEvent}
          equal: []
      """;
  @TempDir
  static Path dir;
  private static Path rules;
  private static Vertx vertx;
  private static HttpServer flappy;
  private static final AtomicBoolean ready = new AtomicBoolean(true);
  private static SuiteHarness suite;
  private static AlertWatch alerts;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    flappy = vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/ready")) {
        req.response().setStatusCode(ready.get() ? 200 : 503).end(ready.get() ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
      } else {
        req.response().putHeader("Content-Type", "text/plain; version=0.0.4").end("# a target with no metrics of note\n");
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    rules = dir.resolve("rules.yaml");
    Files.writeString(rules, RULES);
    Path noTools = Files.createDirectories(dir.resolve("no-pg-tools"));
    suite = new SuiteHarness("alert_signals", Map.of("BULWARK_ALERT_RULES_FILE", rules.toString(),
        "BULWARK_ALERT_RULES_POLL_MS", "200", "BULWARK_ALERT_TIME_SCALE", "0.1",
        "BULWARK_ALERT_SCRAPE_INTERVAL", "200ms", "BULWARK_ALERT_EVALUATION_INTERVAL", "200ms",
        // the suite's own services on their bound ports (0: looked up at each scrape) and one target that flaps
        "BULWARK_ALERT_TARGETS", "gateway=http://127.0.0.1:0,audit=http://127.0.0.1:0,backup=http://127.0.0.1:0,"
            + "alert=http://127.0.0.1:0,flappy=http://127.0.0.1:" + flappy.actualPort(),
        // backups fail at once: there is no pg_dump where backup-service is told to look
        "BULWARK_PG_BIN_DIR", noTools.toString(), "BULWARK_BACKUP_SCHEDULE", "off", "BULWARK_BACKUP_DRILL_SCHEDULE", "off"));
    alerts = new AlertWatch(suite.gateway(), SuiteHarness.ADMIN_KEY);
  }

  @AfterAll
  static void stop() throws Exception {
    suite.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static void flap() {
    ready.set(false);
    Http.sleep(700);
    ready.set(true);
    Http.sleep(700);
  }

  @Test
  void threeReadinessFailuresInTheWindowFireTwoDoNot() {
    flap();
    flap();
    Http.sleep(1000);
    assertTrue(alerts.of("ReadinessFlapping").stream().noneMatch(label("instance", "flappy")),
        "two failures in five minutes are not a flap: " + alerts.of("ReadinessFlapping"));
    flap();
    JsonObject fired = alerts.await("ReadinessFlapping", Duration.ofSeconds(5), inState("firing").and(label("instance", "flappy")));
    assertEquals(3.0, fired.getDouble("value"), fired.encode());
    assertTrue(alerts.of("ReadinessFlapping").stream().noneMatch(label("instance", "gateway")), "steady targets do not flap");
  }

  @Test
  void aFailedBackupAndStaleBackupsFire() throws Exception {
    // no backup has ever succeeded: stale counts from when alert-service first saw the gauge (4 s in this file)
    JsonObject stale = alerts.await("BackupStale", Duration.ofSeconds(15), inState("firing"));
    assertTrue(stale.getDouble("value") > 4, stale.encode());

    JsonObject run = suite.running.vertx().eventBus().<JsonObject>request(Addresses.BACKUP_RUN, new JsonObject().put("v", 1)
            .put("trigger", "manual").put("actor", "it").put("wait", true), new DeliveryOptions().setSendTimeout(30_000))
        .toCompletionStage().toCompletableFuture().get(40, TimeUnit.SECONDS).body();
    assertEquals("failed", run.getJsonObject("backup").getString("status"), run.encode());
    alerts.await("BackupFailed", Duration.ofSeconds(10), inState("firing").and(label("service", "backup")));
    JsonObject event = alerts.await("BackupFailedEvent", Duration.ofSeconds(10), inState("firing"));
    JsonObject muted = alerts.await("BackupFailedEvent", Duration.ofSeconds(10),
        a -> a.getString("id").equals(event.getString("id")) && a.getBoolean("inhibited"));
    assertTrue(muted.getBoolean("inhibited"), "one failure pages once: the event alert is muted by the gauge's");
  }

  @Test
  void aBrokenRulesFileWhileRunningKeepsTheRulesInForce() throws Exception {
    Files.writeString(rules, "rules:\n  - name: Broken\n    kind: threshold\n    op: \"~\"\n");
    String metrics = Http.await(suite.management("alert") + "/metrics", Duration.ofSeconds(10),
        r -> r.body().contains("bulwark_alert_rules_reloads_total{result=\"rejected\",service=\"alert\"} 1.0")).body();
    assertTrue(metrics.contains("bulwark_alert_rules_reloads_total{result=\"rejected\",service=\"alert\"} 1.0"), metrics);
    // the rules in force still evaluate: BackupStale (never a success here) keeps firing
    Http.sleep(1000);
    alerts.await("BackupStale", Duration.ofSeconds(15), inState("firing"));
    Files.writeString(rules, RULES);
  }

  @Test
  void aBadRulesFileRefusesStartNamingTheLine() throws Exception {
    Path bad = dir.resolve("bad-rules.yaml");
    Files.writeString(bad, "rules:\n  - name: NoKind\n    severity: critical\n  - name: BadOp\n    kind: threshold\n"
        + "    severity: warning\n    gauge: up\n    op: \"~\"\n    value: 1\n");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new SuiteHarness("alert_bad_rules", Map.of("BULWARK_ALERT_RULES_FILE", bad.toString())).close());
    String message = e.getMessage();
    assertTrue(message.contains(bad + ":2"), "the first problem names its line: " + message);
    assertTrue(message.contains(bad + ":8"), "every problem is reported at once: " + message);
  }
}
