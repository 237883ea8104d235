package io.bulwark.gateway.api;

import static io.bulwark.gateway.api.AlertGateway.ADMIN;
import static io.bulwark.gateway.api.AlertGateway.await;
import static io.bulwark.gateway.api.AlertGateway.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The alert, silence and notification-outbox routes on a real gateway, with alert-service and the ledger stood in for
 * on the bus: what is refused before anything is sent, who may call, what is recorded in the ledger and sent, and what
 * the routes and the compliance report answer when alert-service or the ledger is not there.
 */
class AlertApiIT {
  private static AlertGateway gw;

  @BeforeAll
  static void start() {
    gw = new AlertGateway("alert_api");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void malformedRequestsAreRefusedBeforeAnythingIsRecordedOrSent() {
    int sent = gw.alerts.received.size();
    long recorded = changes();
    String silences = "/alerts/silences";
    JsonObject matcher = new JsonObject().put("name", "alertname").put("value", "X");
    Object[][] bad = {
        {"GET", "/alerts/not-a-uuid", null}, {"GET", "/alerts/" + UUID.randomUUID() + "?x=1", null},
        {"POST", "/alerts/12/ack", null}, {"POST", "/alerts/12/resolve", null},
        {"POST", "/alerts/" + UUID.randomUUID() + "/ack", "{\"comment\":\"ok\",\"by\":\"me\"}"},
        {"DELETE", silences + "/42", null},
        {"GET", "/alerts?state=burning", null}, {"GET", "/alerts?severity=urgent", null}, {"GET", "/alerts?limit=0", null},
        {"GET", "/alerts?label=service", null}, {"GET", "/alerts?label=1x=y", null}, {"GET", "/alerts?state=open&state=firing", null},
        {"GET", silences + "?active=maybe", null},
        {"POST", silences, "{}"},
        {"POST", silences, new JsonObject().put("matchers", new JsonArray()).put("durationSeconds", 60).put("comment", "c").encode()},
        {"POST", silences, new JsonObject().put("matchers", new JsonArray().add(matcher.copy().put("value", "(").put("isRegex", true)))
            .put("durationSeconds", 60).put("comment", "c").encode()},
        {"POST", silences, new JsonObject().put("matchers", new JsonArray().add(matcher)).put("endsAt", "2020-01-01T00:00:00Z")
            .put("comment", "c").encode()},
        {"POST", silences, new JsonObject().put("matchers", new JsonArray().add(matcher)).put("durationSeconds", 91L * 86400)
            .put("comment", "c").encode()},
        {"POST", silences, new JsonObject().put("matchers", new JsonArray().add(matcher.copy().put("name", "bad name")))
            .put("durationSeconds", 60).put("comment", "c").encode()},
        {"POST", "/admin/notifications/clean", "{\"status\":\"pending\",\"olderThanSeconds\":60}"},
        {"POST", "/admin/notifications/clean", "{\"status\":\"dead\"}"},
        {"POST", "/admin/notifications/redrive", "{\"ids\":[\"a\"]}"},
        {"POST", "/admin/notifications/redrive", "{\"ids\":[0]}"},
        {"POST", "/admin/notifications/pause", "{\"receiver\":\"no such receiver!\"}"},
        {"GET", "/admin/notifications?op=stats", null}};
    for (Object[] b : bad) {
      HttpResponse<String> r = gw.call((String) b[0], (String) b[1], (String) b[2], ADMIN);
      problem(r, 400, "validation.failed");
    }
    assertEquals(sent, gw.alerts.received.size(), "nothing reached alert-service: " + gw.alerts.received);
    assertEquals(recorded, changes(), "no change was recorded: " + gw.ledger.events);
  }

  @Test
  void onlyAdminKeysMayCall() {
    String id = gw.alerts.add("warning", "firing", Map.of());
    int sent = gw.alerts.received.size();
    problem(gw.call("GET", "/alerts", null, null), 401, "auth.missing_credentials");
    problem(gw.call("POST", "/alerts/" + id + "/ack", null, "Bearer not-a-key-of-this-gateway-0000"), 401, "auth.invalid_key");
    for (String[] route : new String[][] {{"GET", "/alerts"}, {"GET", "/alerts/" + id}, {"POST", "/alerts/" + id + "/ack"},
        {"POST", "/alerts/" + id + "/resolve"}, {"GET", "/alerts/silences"}, {"DELETE", "/alerts/silences/" + id},
        {"GET", "/admin/notifications"}, {"POST", "/admin/notifications/pause"}}) {
      problem(gw.call(route[0], route[1], null, null, "X-API-Key", gw.tenantKey), 403, "auth.forbidden");
    }
    assertEquals(sent, gw.alerts.received.size(), "nothing reached alert-service");
    assertEquals("firing", gw.alerts.alerts.get(id).getString("state"));
  }

  @Test
  void listGetAckAndSilencesGoToAlertServiceAndChangesAreRecordedFirst() {
    String id = gw.alerts.add("critical", "firing", Map.of("service", "gateway"));
    gw.alerts.add("info", "firing", Map.of("service", "audit"));
    HttpResponse<String> listed = gw.call("GET", "/alerts?state=open&label=service%3Dgateway&limit=10", null, ADMIN);
    assertEquals(200, listed.statusCode(), listed.body());
    JsonArray alerts = Http.json(listed).getJsonArray("alerts");
    assertEquals(List.of(id), alerts.stream().map(a -> ((JsonObject) a).getString("id")).toList());
    assertFalse(Http.json(listed).containsKey("v"));
    JsonObject asked = gw.alerts.on(Addresses.ALERT_LIST).get(gw.alerts.on(Addresses.ALERT_LIST).size() - 1);
    assertEquals(new JsonObject().put("service", "gateway"), asked.getJsonObject("labels"));
    assertEquals(10, asked.getInteger("limit"));

    assertEquals(id, Http.json(gw.call("GET", "/alerts/" + id, null, ADMIN)).getJsonObject("alert").getString("id"));
    problem(gw.call("GET", "/alerts/" + UUID.randomUUID(), null, ADMIN), 404, "alert.not_found");

    String req = "ack-" + UUID.randomUUID();
    HttpResponse<String> acked = gw.call("POST", "/alerts/" + id + "/ack", "{\"comment\":\"looking\"}", ADMIN, "x-request-id", req);
    assertEquals(200, acked.statusCode(), acked.body());
    assertEquals("acknowledged", Http.json(acked).getJsonObject("alert").getString("state"));
    String actor = "admin:" + AlertGateway.fingerprint(AlertGateway.ADMIN_KEY);
    assertEquals(actor, gw.alerts.alerts.get(id).getString("acknowledgedBy"));
    JsonObject entry = gw.ledger.withAction("admin.alert.ack").stream().filter(e -> req.equals(e.getString("requestId")))
        .findFirst().orElseThrow();
    assertEquals(id, entry.getString("target"));
    assertEquals(actor, entry.getString("actor"));
    assertEquals("looking", entry.getJsonObject("details").getString("comment"));

    String resolved = gw.alerts.add("warning", "resolved", Map.of());
    String refusedReq = "ack-refused-" + UUID.randomUUID();
    problem(gw.call("POST", "/alerts/" + resolved + "/ack", null, ADMIN, "x-request-id", refusedReq), 409, "alert.invalid_state");
    AlertGateway.eventually("the refused ack is recorded as aborted", () -> gw.ledger.withAction("admin.alert.ack.aborted").stream()
        .anyMatch(e -> refusedReq.equals(e.getString("requestId"))));

    JsonObject silence = new JsonObject().put("comment", "maintenance").put("durationSeconds", 3600).put("matchers", new JsonArray()
        .add(new JsonObject().put("name", "service").put("value", "gate.*").put("isRegex", true)));
    HttpResponse<String> created = gw.call("POST", "/alerts/silences", silence.encode(), ADMIN);
    assertEquals(201, created.statusCode(), created.body());
    String sid = Http.json(created).getJsonObject("silence").getString("id");
    assertEquals("/alerts/silences/" + sid, created.headers().firstValue("Location").orElse(null));
    assertEquals(actor, gw.alerts.silences.get(sid).getString("createdBy"));
    assertEquals(1, gw.ledger.withAction("admin.alert.silence.create").stream()
        .filter(e -> e.getJsonObject("details").getString("comment").equals("maintenance")).count());
    HttpResponse<String> list = gw.call("GET", "/alerts/silences", null, ADMIN);
    assertEquals(200, list.statusCode(), "/alerts/silences is not taken for an alert id: " + list.body());
    assertTrue(Http.json(list).getJsonArray("silences").stream().anyMatch(s -> sid.equals(((JsonObject) s).getString("id"))));
    assertEquals(200, gw.call("DELETE", "/alerts/silences/" + sid, null, ADMIN).statusCode());
    assertEquals("expired", gw.alerts.silences.get(sid).getString("status"));
    assertEquals(sid, gw.ledger.withAction("admin.alert.silence.delete").get(0).getString("target"));
    assertFalse(Http.json(gw.call("GET", "/alerts/silences", null, ADMIN)).getJsonArray("silences").encode().contains(sid));
    assertTrue(Http.json(gw.call("GET", "/alerts/silences?active=false", null, ADMIN)).getJsonArray("silences").encode().contains(sid));
    problem(gw.call("DELETE", "/alerts/silences/" + UUID.randomUUID(), null, ADMIN), 404, "silence.not_found");
  }

  @Test
  void theNotificationOutboxIsAdministeredThroughTheLedger() {
    HttpResponse<String> stats = gw.call("GET", "/admin/notifications", null, ADMIN);
    assertEquals(200, stats.statusCode(), stats.body());
    assertEquals(2, Http.json(stats).getJsonObject("stats").getInteger("dead"));
    String[][] ops = {{"pause", "{\"receiver\":\"ops-webhook\"}"}, {"resume", null},
        {"clean", "{\"status\":\"delivered\",\"olderThanSeconds\":86400}"}, {"redrive", "{\"ids\":[7,9]}"}};
    for (String[] op : ops) {
      HttpResponse<String> r = gw.call("POST", "/admin/notifications/" + op[0], op[1], ADMIN);
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(1, gw.ledger.withAction("admin.notifications." + op[0]).size(), op[0]);
    }
    List<JsonObject> sent = gw.alerts.on(Addresses.ALERT_OUTBOX);
    JsonObject redrive = sent.get(sent.size() - 1);
    assertEquals("redrive", redrive.getString("op"));
    assertEquals(new JsonArray().add(7).add(9), redrive.getJsonArray("ids"));
    assertEquals("ops-webhook", gw.ledger.withAction("admin.notifications.pause").get(0).getString("target"));
    assertEquals(86400, gw.ledger.withAction("admin.notifications.clean").get(0).getJsonObject("details").getInteger("olderThanSeconds"));
  }

  @Test
  void withoutTheLedgerNothingIsSent() {
    String id = gw.alerts.add("critical", "firing", Map.of());
    await(gw.ledger.unregister());
    try {
      int sent = gw.alerts.received.size();
      problem(gw.call("POST", "/alerts/" + id + "/ack", null, ADMIN), 503, "audit.unavailable");
      problem(gw.call("POST", "/alerts/silences", new JsonObject().put("comment", "c").put("durationSeconds", 60)
          .put("matchers", new JsonArray().add(new JsonObject().put("name", "a").put("value", "b"))).encode(), ADMIN), 503,
          "audit.unavailable");
      problem(gw.call("POST", "/admin/notifications/pause", null, ADMIN), 503, "audit.unavailable");
      problem(gw.call("POST", "/alerts/" + id + "/resolve", null, ADMIN, "X-MFA-Code", AlertGateway.code(1)), 503,
          "audit.unavailable");
      assertEquals(sent, gw.alerts.received.size(), "nothing reached alert-service");
      assertEquals("firing", gw.alerts.alerts.get(id).getString("state"));
    } finally {
      await(gw.ledger.register(gw.running.vertx()));
    }
  }

  @Test
  void withoutAlertServiceRoutesAnswer503AndTheReportSaysSo() {
    String id = gw.alerts.add("critical", "firing", Map.of());
    gw.alerts.add("warning", "acknowledged", Map.of());
    JsonObject section = Http.json(gw.call("GET", "/compliance/report", null, ADMIN)).getJsonObject("alerts");
    assertEquals("reported", section.getString("status"), section.encode());
    long critical = gw.alerts.alerts.values().stream().filter(a -> !"resolved".equals(a.getString("state"))
        && "critical".equals(a.getString("severity"))).count();
    assertEquals(critical, section.getJsonObject("open").getLong("critical"), section.encode());
    assertTrue(section.containsKey("byState") && section.containsKey("oldestOpenSince"), section.encode());
    JsonObject tenantView = Http.json(gw.call("GET", "/compliance/report", null, null, "X-API-Key", gw.tenantKey)).getJsonObject("alerts");
    assertEquals(section.getJsonObject("open"), tenantView.getJsonObject("open"));
    assertFalse(tenantView.containsKey("byState") || tenantView.containsKey("oldestOpenSince"), tenantView.encode());

    await(gw.alerts.unregister());
    try {
      problem(gw.call("GET", "/alerts", null, ADMIN), 503, "alert.unavailable");
      problem(gw.call("GET", "/admin/notifications", null, ADMIN), 503, "alert.unavailable");
      String req = "ack-absent-" + UUID.randomUUID();
      problem(gw.call("POST", "/alerts/" + id + "/ack", null, ADMIN, "x-request-id", req), 503, "alert.unavailable");
      assertEquals(1, gw.ledger.withAction("admin.alert.ack").stream().filter(e -> req.equals(e.getString("requestId"))).count(),
          "recorded first");
      AlertGateway.eventually("then recorded as not carried out", () -> gw.ledger.withAction("admin.alert.ack.aborted").stream()
          .anyMatch(e -> req.equals(e.getString("requestId"))));
      HttpResponse<String> report = gw.call("GET", "/compliance/report", null, ADMIN);
      assertEquals(200, report.statusCode(), "the report is served without alert-service: " + report.body());
      JsonObject down = Http.json(report).getJsonObject("alerts");
      assertEquals("unavailable", down.getString("status"));
      assertTrue(down.containsKey("open") && down.getValue("open") == null, down.encode());
      assertTrue(down.getString("detail").contains("alert-service"), down.encode());
      assertNull(Http.json(gw.call("GET", "/compliance/report", null, null, "X-API-Key", gw.tenantKey)).getJsonObject("alerts")
          .getValue("open"));
    } finally {
      await(gw.alerts.register(gw.running.vertx()));
    }
  }

  /** Ledger entries of operator changes (request-level decisions such as auth.success are recorded for every request). */
  private static long changes() {
    return gw.ledger.events.stream().filter(e -> e.getString("action").startsWith("admin.")).count();
  }
}
