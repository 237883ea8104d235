package io.bulwark.gateway.api;

import static io.bulwark.gateway.api.AlertGateway.ADMIN;
import static io.bulwark.gateway.api.AlertGateway.code;
import static io.bulwark.gateway.api.AlertGateway.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.test.Http;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Resolving an alert needs the current TOTP code of the admin key's enrolment: without one, with a wrong, reused or
 * other operator's code the answer is 401, recorded and counted where the runbook looks; with the right one the
 * resolve is recorded and sent.
 */
class AlertResolveMfaIT {
  private static final String ROUTE = "route=\"/alerts/:id/resolve\"";
  private static AlertGateway gw;

  @BeforeAll
  static void start() {
    gw = new AlertGateway("alert_mfa");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void resolveWithoutWithAWrongAReusedAndTheRightCode() {
    String id = gw.alerts.add("critical", "firing", Map.of());
    String path = "/alerts/" + id + "/resolve";
    double before = gw.sample("bulwark_api_requests_total", ROUTE, "status=\"401\"");
    int denialsBefore = gw.ledger.withAction("mfa.denied").size();

    problem(gw.call("POST", path, null, ADMIN), 401, "mfa.required");
    String wrong = code(0).equals("000000") ? "111111" : "000000";
    problem(gw.call("POST", path, null, ADMIN, "X-MFA-Code", wrong), 401, "mfa.invalid");
    problem(gw.call("POST", path, null, ADMIN, "X-MFA-Code", "12ab56"), 401, "mfa.invalid");
    problem(gw.call("POST", path, null, ADMIN, "X-MFA-Code", code(5)), 401, "mfa.invalid");
    problem(gw.call("POST", path, null, "Bearer " + AlertGateway.OTHER_ADMIN_KEY, "X-MFA-Code", code(0)), 401, "mfa.invalid");
    assertTrue(resolvesOf(id).isEmpty(), "no refused resolve reached alert-service");
    assertTrue(gw.ledger.withAction("admin.alert.resolve").stream().noneMatch(e -> id.equals(e.getString("target"))),
        "nor the ledger as an action");

    String right = code(0);
    String req = "resolve-" + UUID.randomUUID();
    HttpResponse<String> ok = gw.call("POST", path, "{\"comment\":\"fixed by rollback\"}", ADMIN, "X-MFA-Code", right,
        "x-request-id", req);
    assertEquals(200, ok.statusCode(), ok.body());
    assertEquals("resolved", Http.json(ok).getJsonObject("alert").getString("state"));
    JsonObject entry = gw.ledger.withAction("admin.alert.resolve").stream().filter(e -> req.equals(e.getString("requestId")))
        .findFirst().orElseThrow();
    assertEquals(id, entry.getString("target"));
    assertEquals("alice", entry.getJsonObject("details").getString("operator"));
    assertEquals("fixed by rollback", resolvesOf(id).get(0).getString("comment"));

    String other = gw.alerts.add("warning", "firing", Map.of());
    problem(gw.call("POST", "/alerts/" + other + "/resolve", null, ADMIN, "X-MFA-Code", right), 401, "mfa.invalid");
    assertTrue(resolvesOf(other).isEmpty(), "a used code does not resolve a second alert");
    problem(gw.call("POST", path, null, ADMIN, "X-MFA-Code", code(1)), 409, "alert.invalid_state");

    // 6 refusals: missing, wrong, malformed, far future, not enrolled, reused
    assertEquals(before + 6, gw.sample("bulwark_api_requests_total", ROUTE, "status=\"401\""), 0.0, gw.metrics());
    assertTrue(gw.sample("bulwark_security_events_total", "event=\"mfa.denied\"") >= 6);
    AlertGateway.eventually("every denial is in the ledger", () -> gw.ledger.withAction("mfa.denied").size() >= denialsBefore + 6);
    List<String> reasons = gw.ledger.withAction("mfa.denied").stream().map(e -> e.getJsonObject("details").getString("reason")).toList();
    assertTrue(reasons.containsAll(List.of("missing", "wrong", "malformed", "not_enrolled", "replayed")), reasons.toString());
    assertTrue(gw.ledger.withAction("mfa.denied").stream().allMatch(e -> "/alerts/:id/resolve".equals(e.getString("target"))
        && e.getString("actor").startsWith("admin:")));
    String ledger = gw.ledger.events.toString();
    assertFalse(ledger.contains(right) || ledger.contains(wrong) || ledger.contains(AlertGateway.TOTP_SECRET),
        "codes and secrets are never recorded");
  }

  @Test
  void aMalformedResolveIsRefusedBeforeTheCodeIsUsed() {
    String id = gw.alerts.add("info", "firing", Map.of());
    String bob = "Bearer " + AlertGateway.BOB_KEY;
    String next = code(AlertGateway.BOB_SECRET, 0);
    problem(gw.call("POST", "/alerts/" + id + "/resolve", "{\"note\":\"x\"}", bob, "X-MFA-Code", next), 400, "validation.failed");
    problem(gw.call("POST", "/alerts/not-an-id/resolve", null, bob, "X-MFA-Code", next), 400, "validation.failed");
    HttpResponse<String> ok = gw.call("POST", "/alerts/" + id + "/resolve", null, bob, "X-MFA-Code", next);
    assertEquals(200, ok.statusCode(), "the code was still unused: " + ok.body());
  }

  @Test
  void aCodeUsedAtOneGatewayIsRefusedAtAnother() throws Exception {
    // carol's codes: the other tests' operators' used steps are shared by both gateways now
    String carol = "Bearer " + AlertGateway.CAROL_KEY;
    try (AlertGateway other = gw.second()) {
      String first = gw.alerts.add("info", "firing", Map.of());
      String second = other.alerts.add("info", "firing", Map.of());
      String code = code(AlertGateway.CAROL_SECRET, 1);
      // the shared memory of used codes cannot be reached: refused, fail closed, nothing resolved
      gw.sql("ALTER TABLE gateway.mfa_used_steps RENAME TO mfa_used_steps_away");
      try {
        problem(other.call("POST", "/alerts/" + second + "/resolve", null, carol, "X-MFA-Code", code), 503, "db.unavailable");
      } finally {
        gw.sql("ALTER TABLE gateway.mfa_used_steps_away RENAME TO mfa_used_steps");
      }
      assertTrue(other.alerts.on(Addresses.ALERT_RESOLVE).isEmpty(), "nothing resolved without the shared check");
      HttpResponse<String> ok = gw.call("POST", "/alerts/" + first + "/resolve", null, carol, "X-MFA-Code", code);
      assertEquals(200, ok.statusCode(), ok.body());
      problem(other.call("POST", "/alerts/" + second + "/resolve", null, carol, "X-MFA-Code", code), 401, "mfa.invalid");
      problem(other.call("POST", "/alerts/" + second + "/resolve", null, carol, "X-MFA-Code", code(AlertGateway.CAROL_SECRET, 0)),
          401, "mfa.invalid");
      assertTrue(other.alerts.on(Addresses.ALERT_RESOLVE).isEmpty(), "the replayed code resolved nothing at the second gateway");
      AlertGateway.eventually("the second gateway recorded the replay", () -> other.ledger.withAction("mfa.denied").stream()
          .anyMatch(e -> "replayed".equals(e.getJsonObject("details").getString("reason"))));
    }
  }

  private static List<JsonObject> resolvesOf(String id) {
    return gw.alerts.on(Addresses.ALERT_RESOLVE).stream().filter(m -> id.equals(m.getString("id"))).toList();
  }
}
