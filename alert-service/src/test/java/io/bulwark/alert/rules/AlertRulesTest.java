package io.bulwark.alert.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.config.ServiceConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole of rules and signals as AlertVerticle starts it, against a loopback target and a dead one. */
class AlertRulesTest {
  static Vertx vertx;
  static HttpServer server;
  @TempDir
  Path dir;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    server = await(vertx.createHttpServer().requestHandler(req -> req.response().setStatusCode(
        req.path().equals("/metrics") ? 200 : 503).end("bulwark_backup_last_failure_timestamp_seconds 1.7E9\n"))
        .listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  ServiceConfig config(Map<String, Object> extra) {
    JsonObject raw = new JsonObject().put("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x")
        .put("MANAGEMENT_PORT", 9083).put("BULWARK_ALERT_SCRAPE_INTERVAL", "100ms").put("BULWARK_ALERT_TIME_SCALE", "0.01");
    extra.forEach(raw::put);
    return ServiceConfig.of("alert", raw);
  }

  @Test
  void builtInRulesFireOnWhatTheTargetsSay() throws Exception {
    SimpleMeterRegistry reg = new SimpleMeterRegistry();
    AlertRules rules = await(AlertRules.start(vertx, config(Map.of()), reg,
        () -> Map.of("gateway", "http://127.0.0.1:1", "backup", "http://127.0.0.1:" + server.actualPort()),
        Clock.systemUTC()));
    try {
      vertx.eventBus().publish(Addresses.AUDIT_EVENTS, new JsonObject().put("v", 1).put("type", "verification.failed"));
      List<String> names = List.of();
      long deadline = System.currentTimeMillis() + 5000;
      while (!names.containsAll(List.of("ApiDown", "BackupFailed", "ServiceNotReady", "HealthFailuresAcrossInstances",
          "AuditVerificationFailedEvent"))) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("not all fired: " + names);
        }
        Thread.sleep(50);
        names = rules.evaluate(Instant.now()).stream().map(Firing::rule).toList();
      }
      Firing apiDown = rules.evaluate(Instant.now()).stream().filter(f -> f.rule().equals("ApiDown")).findFirst()
          .orElseThrow();
      assertEquals(java.time.Duration.ofMillis(600), apiDown.forDuration(), "1m scaled by 0.01");
      assertEquals(5, rules.inhibitions().size());
      assertTrue(reg.get("bulwark.alert.scrapes").tag("target", "backup").tag("result", "success").counter().count() > 0);
    } finally {
      await(rules.stop());
    }
  }

  @Test
  void badRulesFileRefusesStart() throws Exception {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, "rules:\n  - {name: X, kind: threshold, severity: info, gauge: 'up{', value: 1}\n");
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(AlertRules.start(vertx,
        config(Map.of("BULWARK_ALERT_RULES_FILE", file.toString())), null, Map::of, Clock.systemUTC())));
    RulesFileException r = assertInstanceOf(RulesFileException.class, e.getCause());
    assertTrue(r.problems().get(0).startsWith(file + ":2: rule X: gauge: selector 'up{'"), r.problems().toString());
  }

  @Test
  void badConfigRefusesStart() {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(AlertRules.start(vertx,
        config(Map.of("BULWARK_ALERT_TIME_SCALE", "fast")), null, Map::of, Clock.systemUTC())));
    assertTrue(e.getCause().getMessage().contains("BULWARK_ALERT_TIME_SCALE"), e.getCause().getMessage());
  }
}
