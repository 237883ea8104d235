package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.alert.notify.WebhookSignature;
import io.bulwark.gateway.auth.AdminKeys;
import io.bulwark.gateway.mfa.TotpVerifier;
import io.bulwark.shared.test.Http;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.otp.OtpKey;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runbook's alert procedures against the real suite: an alert from a Prometheus-style sender is notified to a
 * signed webhook, listed, acknowledged, silenced and resolved through the gateway — resolve only with the operator's
 * one-time code — and every step is in the ledger, the metrics and the compliance report.
 */
class AlertOperationsIT {
  static final String WEBHOOK_SECRET = "it-ops-webhook-secret-0123456789";
  static final String TOTP_SECRET = "OPSITTOTPSECRETAAAAAAAAAAAAAAAAA";
  private static final String ADMIN = "Bearer " + SuiteHarness.ADMIN_KEY;
  @TempDir
  static Path dir;
  private static SuiteHarness suite;
  private static Vertx vertx;
  private static HttpServer hook;
  private static final List<JsonObject> delivered = new CopyOnWriteArrayList<>();
  private static final java.util.concurrent.atomic.AtomicBoolean rejecting = new java.util.concurrent.atomic.AtomicBoolean(true);

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    hook = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      boolean signed = WebhookSignature.verify(List.of(WEBHOOK_SECRET), req.getHeader(WebhookSignature.HEADER), body.getBytes(),
          Instant.now(), WebhookSignature.TOLERANCE);
      if (req.path().equals("/reject") && rejecting.get()) {
        req.response().setStatusCode(400).end();
        return;
      }
      delivered.add(new JsonObject().put("signed", signed).put("body", body.toJsonObject()));
      req.response().setStatusCode(signed ? 200 : 401).end();
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Path receivers = dir.resolve("receivers.yaml");
    Files.writeString(receivers, "route:\n  receiver: ops\n  group_by: [alertname]\n  group_wait: 0s\n  group_interval: 200ms\n"
        + "  repeat_interval: 4h\n  routes:\n    - matchers: ['alertname=\"Rejected\"']\n      receiver: picky\n"
        + "receivers:\n  - name: ops\n    kind: webhook\n    url: http://127.0.0.1:" + hook.actualPort() + "/alerts\n"
        + "  - name: picky\n    kind: webhook\n    url: http://127.0.0.1:" + hook.actualPort() + "/reject\n");
    String fingerprint = AdminKeys.fingerprint(AdminKeys.hash(SuiteHarness.ADMIN_KEY));
    suite = new SuiteHarness("alert_operations", Map.of("BULWARK_ALERT_RECEIVERS_FILE", receivers.toString(),
        "BULWARK_ALERT_WEBHOOK_SECRETS", WEBHOOK_SECRET, "BULWARK_MFA_TOTP", "ops:" + fingerprint + ":" + TOTP_SECRET,
        "BULWARK_ALERT_EVALUATION_INTERVAL", "250ms"));
  }

  @AfterAll
  static void stop() throws Exception {
    suite.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static String code(int offset) {
    long step = Instant.now().getEpochSecond() / TotpVerifier.PERIOD_SECONDS + offset;
    return TotpVerifier.hotp(new OtpKey().setKey(TOTP_SECRET).getKeyBytes(), step, TotpVerifier.DIGITS);
  }

  private static void send(String name, String service) {
    JsonArray batch = new JsonArray().add(new JsonObject().put("labels", new JsonObject().put("alertname", name)
        .put("service", service).put("severity", "critical")).put("annotations", new JsonObject().put("summary", name)));
    HttpResponse<String> r = Http.post(suite.management("alert") + "/api/v2/alerts", batch.encode(), "Content-Type", "application/json");
    assertEquals(200, r.statusCode(), r.body());
  }

  private static HttpResponse<String> call(String method, String path, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(suite.gateway() + path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    String[] all = new String[headers.length + 4];
    System.arraycopy(new String[] {"Authorization", ADMIN, "Content-Type", "application/json"}, 0, all, 0, 4);
    System.arraycopy(headers, 0, all, 4, headers.length);
    return Http.send(b, all);
  }

  private static JsonObject awaitDelivery(String alertname, String status) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < end) {
      for (JsonObject d : delivered) {
        JsonObject body = d.getJsonObject("body");
        if (body.getJsonObject("groupLabels", new JsonObject()).getString("alertname", "").equals(alertname)
            && status.equals(body.getString("status"))) {
          return d;
        }
      }
      Http.sleep(100);
    }
    throw new AssertionError("no " + status + " notification of " + alertname + "; delivered: " + delivered);
  }

  @Test
  void acknowledgeAndResolveWithTheOperatorsOneTimeCode() throws Exception {
    send("DiskFull", "db");
    JsonObject firing = awaitDelivery("DiskFull", "firing");
    assertTrue(firing.getBoolean("signed"), "the webhook verified the signature");
    assertEquals("4", firing.getJsonObject("body").getString("version"), "Alertmanager's webhook payload");
    JsonObject alert = new AlertWatch(suite.gateway(), SuiteHarness.ADMIN_KEY).await("DiskFull", Duration.ofSeconds(5),
        AlertWatch.inState("firing"));
    String id = alert.getString("id");

    HttpResponse<String> ack = call("POST", "/alerts/" + id + "/ack", "{\"comment\":\"looking at the volume\"}");
    assertEquals(200, ack.statusCode(), ack.body());
    assertEquals("acknowledged", Http.json(ack).getJsonObject("alert").getString("state"));

    HttpResponse<String> noCode = call("POST", "/alerts/" + id + "/resolve", "{}");
    assertEquals(401, noCode.statusCode(), noCode.body());
    assertEquals("mfa.required", Http.json(noCode).getString("code"));
    assertNotNull(Http.json(noCode).getString("requestId"));
    String right = code(0);
    String wrong = right.equals("000000") ? "111111" : "000000";
    HttpResponse<String> wrongCode = call("POST", "/alerts/" + id + "/resolve", "{}", "X-MFA-Code", wrong);
    assertEquals(401, wrongCode.statusCode(), wrongCode.body());
    assertEquals("mfa.invalid", Http.json(wrongCode).getString("code"));
    HttpResponse<String> resolved = call("POST", "/alerts/" + id + "/resolve", "{\"comment\":\"volume grown\"}", "X-MFA-Code", right);
    assertEquals(200, resolved.statusCode(), resolved.body());
    assertEquals("resolved", Http.json(resolved).getJsonObject("alert").getString("state"));
    HttpResponse<String> replay = call("POST", "/alerts/" + id + "/resolve", "{}", "X-MFA-Code", right);
    assertEquals(401, replay.statusCode(), "a code works once: " + replay.body());
    assertTrue(awaitDelivery("DiskFull", "resolved").getBoolean("signed"));

    String metrics = Http.get(suite.management("gateway") + "/metrics").body();
    assertTrue(metrics.lines().anyMatch(l -> l.startsWith("bulwark_api_requests_total{") && l.contains("route=\"/alerts/:id/resolve\"")
        && l.contains("status=\"401\"") && l.endsWith(" 3.0")), "three refusals counted for the runbook's anomaly metric");
    for (String action : List.of("admin.alert.ack", "admin.alert.resolve", "mfa.denied")) {
      assertTrue(ledgerHas(action, null), action + " is in the ledger");
    }
    for (String action : List.of("alert.firing", "alert.acknowledged", "alert.resolved")) {
      assertTrue(ledgerHas(action, id), action + " of " + id + " is in the ledger");
    }
  }

  @Test
  void aSilenceKeepsAnAlertFromTheWebhookUntilItIsLifted() {
    HttpResponse<String> created = call("POST", "/alerts/silences", new JsonObject().put("matchers", new JsonArray()
            .add(new JsonObject().put("name", "alertname").put("value", "Noisy")))
        .put("durationSeconds", 3600).put("comment", "planned maintenance").encode());
    assertEquals(201, created.statusCode(), created.body());
    String silence = Http.json(created).getJsonObject("silence").getString("id");
    send("Noisy", "db");
    JsonObject alert = new AlertWatch(suite.gateway(), SuiteHarness.ADMIN_KEY).await("Noisy", Duration.ofSeconds(5),
        AlertWatch.inState("firing"));
    assertEquals(silence, alert.getString("silencedBy"));
    Http.sleep(1500);
    assertTrue(delivered.stream().noneMatch(d -> "Noisy".equals(d.getJsonObject("body").getJsonObject("groupLabels")
        .getString("alertname"))), "silenced: nothing sent");
    HttpResponse<String> lifted = call("DELETE", "/alerts/silences/" + silence, null);
    assertEquals(200, lifted.statusCode(), lifted.body());
    assertTrue(awaitDelivery("Noisy", "firing").getBoolean("signed"), "lifted: the firing alert is sent");

    JsonObject report = Http.json(call("GET", "/compliance/report", null));
    JsonObject alerts = report.getJsonObject("alerts");
    assertTrue(alerts.getJsonObject("open").getInteger("critical") >= 1, report.encode());
  }

  @Test
  void theOutboxIsPausedResumedRedrivenAndCleanedThroughTheGateway() {
    JsonObject stats = Http.json(call("GET", "/admin/notifications", null)).getJsonObject("stats");
    assertEquals(false, stats.getBoolean("paused"), stats.encode());
    assertEquals(200, call("POST", "/admin/notifications/pause", "{}").statusCode());
    send("WhilePaused", "db");
    Http.sleep(1500);
    assertTrue(delivered.stream().noneMatch(d -> "WhilePaused".equals(d.getJsonObject("body").getJsonObject("groupLabels")
        .getString("alertname"))), "paused: nothing is delivered");
    JsonObject paused = Http.json(call("GET", "/admin/notifications", null)).getJsonObject("stats");
    assertTrue(paused.getBoolean("paused") && paused.getInteger("pending") >= 1, "the notification waits: " + paused.encode());
    assertEquals(200, call("POST", "/admin/notifications/resume", "{}").statusCode());
    assertTrue(awaitDelivery("WhilePaused", "firing").getBoolean("signed"), "resumed: it is delivered");

    // a receiver that refuses (400) gets nothing more: the notification is a dead letter until redriven
    send("Rejected", "db");
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (Http.json(call("GET", "/admin/notifications", null)).getJsonObject("stats").getInteger("dead") < 1
        && System.nanoTime() < end) {
      Http.sleep(100);
    }
    assertEquals(1, Http.json(call("GET", "/admin/notifications", null)).getJsonObject("stats").getInteger("dead"));
    rejecting.set(false);
    JsonObject redriven = Http.json(call("POST", "/admin/notifications/redrive", "{\"receiver\":\"picky\"}"));
    assertEquals(1, redriven.getInteger("affected"), redriven.encode());
    assertTrue(awaitDelivery("Rejected", "firing").getBoolean("signed"), "redriven: delivered");
    JsonObject cleaned = Http.json(call("POST", "/admin/notifications/clean", "{\"status\":\"delivered\",\"olderThanSeconds\":0}"));
    assertTrue(cleaned.getInteger("affected") >= 2, cleaned.encode());
  }

  private static boolean ledgerHas(String action, String alertId) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < end) {
      try (Connection c = suite.db.jdbc(); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT count(*) FROM audit.entries WHERE action = '" + action + "'"
               + (alertId == null ? "" : " AND convert_from(entry, 'UTF8') LIKE '%" + alertId + "%'"))) {
        rs.next();
        if (rs.getInt(1) > 0) {
          return true;
        }
      }
      Http.sleep(100);
    }
    return false;
  }
}
