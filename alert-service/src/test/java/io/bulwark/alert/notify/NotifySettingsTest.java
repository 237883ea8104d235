package io.bulwark.alert.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.config.ServiceConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration keys, their defaults, and start-up refused on a bad receivers file or unsigned webhooks in production. */
class NotifySettingsTest {
  private static JsonObject base() {
    return new JsonObject().put("MANAGEMENT_PORT", 9083).put("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bulwark");
  }

  @Test
  void defaults() {
    NotifySettings s = NotifySettings.from(ServiceConfig.of("alert", base()));
    assertEquals(null, s.receiversFile());
    assertEquals("http://127.0.0.1:9083", s.externalUrl());
    assertEquals(Duration.ofMillis(500), s.pollInterval());
    assertEquals(new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), 12), s.backoff());
    assertEquals(16, s.concurrency());
  }

  @Test
  void secretsAreLookedUpAndNeverPrinted() {
    NotifySettings s = NotifySettings.from(ServiceConfig.of("alert", base()
        .put("BULWARK_ALERT_WEBHOOK_SECRETS", "cur-secret-value,old-secret-value").put("BULWARK_OPS_SECRETS", "ops-secret-value")));
    Receiver global = new Receiver("a", Receiver.Kind.WEBHOOK, "http://x/", null, Duration.ofSeconds(1));
    Receiver own = new Receiver("b", Receiver.Kind.WEBHOOK, "http://x/", "BULWARK_OPS_SECRETS", Duration.ofSeconds(1));
    assertEquals(List.of("cur-secret-value", "old-secret-value"), s.webhookSecrets(global));
    assertEquals(List.of("ops-secret-value"), s.webhookSecrets(own));
    assertFalse(s.toString().contains("secret-value"));
  }

  @Test
  void badReceiversFileRefusesStart(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("receivers.yaml");
    Files.writeString(file, "route: {receiver: nobody}\nreceivers:\n  - {name: log, kind: log}\n");
    Throwable t = failure(base().put("BULWARK_ALERT_RECEIVERS_FILE", file.toString()));
    assertTrue(t instanceof ReceiversFileException, t.toString());
    assertEquals(file + ": route.receiver: 'nobody' is not one of the receivers [log]", t.getMessage());
  }

  @Test
  void productionRefusesAnUnsignedWebhook(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("receivers.yaml");
    Files.writeString(file, "route: {receiver: hook}\nreceivers:\n  - {name: hook, kind: webhook, url: 'https://hooks.example/x'}\n");
    Throwable t = failure(base().put("BULWARK_ALERT_RECEIVERS_FILE", file.toString()).put("BULWARK_ENV", "production")
        .put("BULWARK_ADMIN_KEYS", "x"));
    assertTrue(t.getMessage().contains("BULWARK_ALERT_WEBHOOK_SECRETS"), t.getMessage());
  }

  private static Throwable failure(JsonObject raw) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Future<Notifications> f = Notifications.start(vertx, ServiceConfig.of("alert", raw), null, new SimpleMeterRegistry());
      try {
        f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        return e.getCause();
      }
      throw new AssertionError("start-up should have been refused");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
