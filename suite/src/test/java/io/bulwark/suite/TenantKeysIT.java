package io.bulwark.suite;

import static io.bulwark.suite.EventSliceIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.gateway.auth.AdminKeys;
import io.bulwark.shared.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tenants and tenant API keys through the admin API: lifecycle, scopes, revocation, replacement, suspension, ledger. */
class TenantKeysIT {
  private static SuiteHarness suite;

  @BeforeAll
  static void start() {
    suite = new SuiteHarness("tenant_keys");
  }

  @AfterAll
  static void stop() {
    suite.close();
  }

  @Test
  void tenantLifecycleAndBadInput() {
    String gw = suite.gateway();
    HttpResponse<String> created = Tenants.admin("POST", gw + "/admin/tenants", "{\"id\":\"acme\",\"name\":\"Acme Corp\"}");
    assertEquals(201, created.statusCode(), created.body());
    assertEquals("/admin/tenants/acme", created.headers().firstValue("Location").orElseThrow());
    assertEquals("active", Http.json(created).getString("status"));
    assertProblem(Tenants.admin("POST", gw + "/admin/tenants", "{\"id\":\"acme\"}"), 409, "tenant.exists");
    assertProblem(Tenants.admin("POST", gw + "/admin/tenants", "{\"id\":\"Bad Id!\"}"), 400, "validation.failed");
    assertProblem(Tenants.admin("POST", gw + "/admin/tenants", "{\"id\":\"ok-id\",\"extra\":1}"), 400, "validation.failed");
    assertProblem(Tenants.admin("POST", gw + "/admin/tenants", "{\"id\":"), 400, "validation.malformed_json");
    assertProblem(Tenants.admin("POST", gw + "/admin/tenants", "[1]"), 400, "validation.malformed_json");
    assertProblem(Tenants.admin("GET", gw + "/admin/tenants/nobody", null), 404, "tenant.not_found");
    assertProblem(Tenants.admin("GET", gw + "/admin/tenants/..%2F..", null), 404, null);
    assertProblem(Http.get(gw + "/admin/tenants"), 401, "auth.missing_credentials");
    assertProblem(Tenants.admin("GET", gw + "/v1/audit/entries?actor=%00", null), 400, "validation.failed");
    assertProblem(Tenants.admin("GET", gw + "/admin/tenants?after=" + "a".repeat(9000), null), 414, "request.uri_too_long");

    JsonObject one = Http.json(Tenants.admin("GET", gw + "/admin/tenants/acme", null));
    assertEquals("Acme Corp", one.getString("name"));
    JsonArray all = Http.json(Tenants.admin("GET", gw + "/admin/tenants?status=active", null)).getJsonArray("tenants");
    assertTrue(all.stream().anyMatch(t -> "acme".equals(((JsonObject) t).getString("id"))));
    assertProblem(Tenants.admin("GET", gw + "/admin/tenants?status=gone", null), 400, "validation.failed");
  }

  @Test
  void keyIsShownOnceStoredHashedAndRevocationIsImmediateAndRecorded() throws Exception {
    String gw = suite.gateway();
    Tenants.create(gw, "globex");
    JsonObject issued = Tenants.issue(gw, "globex", "read", "audit:read");
    String secret = issued.getString("secret");
    String keyId = issued.getJsonObject("key").getString("id");
    assertTrue(secret.startsWith("bwt_") && keyId.startsWith("k_"), issued.encode());
    assertEquals("no-store", Tenants.admin("GET", gw + "/admin/tenants/globex/keys", null).headers().firstValue("Cache-Control").orElse(""));

    HttpResponse<String> listed = Tenants.admin("GET", gw + "/admin/tenants/globex/keys", null);
    assertFalse(listed.body().contains(secret), "a key list must never show the secret");
    assertEquals("active", Http.json(listed).getJsonArray("keys").getJsonObject(0).getString("state"));

    assertEquals(200, Tenants.getWith(gw + "/v1/audit/entries", secret).statusCode());
    HttpResponse<String> revoked = Tenants.admin("DELETE", gw + "/admin/tenants/globex/keys/" + keyId, null);
    assertEquals(200, revoked.statusCode(), revoked.body());
    assertEquals("revoked", Http.json(revoked).getString("state"));
    assertProblem(Tenants.getWith(gw + "/v1/audit/entries", secret), 401, "auth.revoked_key");
    assertProblem(Tenants.admin("DELETE", gw + "/admin/tenants/globex/keys/" + keyId, null), 409, "key.invalid_state");
    assertProblem(Tenants.admin("DELETE", gw + "/admin/tenants/globex/keys/k_000000000000", null), 404, "key.not_found");
    assertProblem(Tenants.admin("DELETE", gw + "/admin/tenants/acme-missing/keys/" + keyId, null), 404, "tenant.not_found");

    String fingerprint = "admin:" + AdminKeys.fingerprint(AdminKeys.hash(SuiteHarness.ADMIN_KEY));
    try (Connection c = suite.db.jdbc(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM gateway.tenant_keys WHERE key_hash = sha256(convert_to('"
          + secret + "', 'UTF8'))")) {
        rs.next();
        assertEquals(1, rs.getLong(1), "the stored hash is SHA-256 of the key");
      }
      List<String> actions = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT convert_from(entry, 'UTF8') FROM audit.entries WHERE tenant = 'globex' ORDER BY idx")) {
        while (rs.next()) {
          String canonical = rs.getString(1);
          assertFalse(canonical.contains(secret), "no secret in the ledger");
          JsonObject e = new JsonObject(canonical);
          actions.add(e.getString("action"));
          if (e.getString("action").startsWith("key.") || e.getString("action").startsWith("tenant.")) {
            assertEquals(fingerprint, e.getString("actor"), "attributed to the admin key's fingerprint");
          }
        }
      }
      assertTrue(actions.containsAll(List.of("tenant.create", "key.issue", "key.revoke")), actions.toString());
    }
  }

  @Test
  void replacedKeyWorksThroughItsGracePeriodOnly() {
    String gw = suite.gateway();
    Tenants.create(gw, "initech");
    JsonObject old = Tenants.issue(gw, "initech", "audit:read");
    String oldId = old.getJsonObject("key").getString("id");
    HttpResponse<String> r = Tenants.admin("POST", gw + "/admin/tenants/initech/keys/" + oldId + "/replace", "{\"graceSeconds\":2}");
    assertEquals(201, r.statusCode(), r.body());
    JsonObject fresh = Http.json(r);
    assertEquals(fresh.getJsonObject("key").getString("id"), fresh.getJsonObject("replaced").getString("replacedBy"));
    assertEquals(new JsonArray().add("audit:read"), fresh.getJsonObject("key").getJsonArray("scopes"), "scopes carried over");
    assertEquals(200, Tenants.getWith(gw + "/v1/audit/entries", old.getString("secret")).statusCode());
    assertEquals(200, Tenants.getWith(gw + "/v1/audit/entries", fresh.getString("secret")).statusCode());
    assertProblem(Tenants.admin("POST", gw + "/admin/tenants/initech/keys/" + oldId + "/replace", "{}"), 409, "key.invalid_state");
    assertProblem(Tenants.admin("POST", gw + "/admin/tenants/initech/keys/" + oldId + "/replace", "{\"graceSeconds\":-1}"), 400,
        "validation.failed");

    HttpResponse<String> expired = awaitStatus(gw + "/v1/audit/entries", old.getString("secret"), 401, Duration.ofSeconds(10));
    assertProblem(expired, 401, "auth.expired_key");
    assertEquals(200, Tenants.getWith(gw + "/v1/audit/entries", fresh.getString("secret")).statusCode());
  }

  @Test
  void suspendedTenantsKeysStopAndResumeRestoresThem() {
    String gw = suite.gateway();
    Tenants.create(gw, "umbrella");
    String secret = Tenants.issue(gw, "umbrella", "audit:read").getString("secret");
    assertEquals(200, Tenants.getWith(gw + "/v1/audit/entries", secret).statusCode());
    HttpResponse<String> s = Tenants.admin("POST", gw + "/admin/tenants/umbrella/suspend", "{\"reason\":\"unpaid invoice\"}");
    assertEquals(200, s.statusCode(), s.body());
    assertEquals("suspended", Http.json(s).getString("status"));
    assertProblem(Tenants.getWith(gw + "/v1/audit/entries", secret), 403, "auth.tenant_suspended");
    assertProblem(Tenants.admin("POST", gw + "/admin/tenants/umbrella/suspend", null), 409, "tenant.invalid_state");
    assertEquals(200, Tenants.admin("POST", gw + "/admin/tenants/umbrella/resume", null).statusCode());
    assertEquals(200, Tenants.getWith(gw + "/v1/audit/entries", secret).statusCode());
  }

  @Test
  void scopesAndCredentialKindsAreEnforced() {
    String gw = suite.gateway();
    Tenants.create(gw, "hooli");
    String readOnly = Tenants.issue(gw, "hooli", "read").getString("secret");
    String auditor = Tenants.issue(gw, "hooli", "audit:read", "audit:write").getString("secret");
    assertProblem(Tenants.getWith(gw + "/v1/audit/entries", readOnly), 403, "auth.insufficient_scope");
    assertProblem(Tenants.getWith(gw + "/admin/tenants", auditor), 403, "auth.forbidden");
    assertProblem(Http.get(gw + "/v1/audit/entries", "X-API-Key", "bwt_aaaaaaaaaaaa_" + "A".repeat(43)), 401, "auth.invalid_key");

    HttpResponse<String> written = Http.post(gw + "/v1/events", "{\"actor\":\"u1\",\"action\":\"doc.read\",\"outcome\":\"success\"}",
        "X-API-Key", auditor, "Content-Type", "application/json");
    assertEquals(201, written.statusCode(), written.body());
    assertProblem(Http.post(gw + "/v1/events", "{\"tenant\":\"acme\",\"actor\":\"u1\",\"action\":\"doc.read\",\"outcome\":\"success\"}",
        "X-API-Key", auditor, "Content-Type", "application/json"), 403, "auth.forbidden");
    JsonArray mine = Http.json(Tenants.getWith(gw + "/v1/audit/entries", auditor)).getJsonArray("entries");
    assertFalse(mine.isEmpty());
    mine.forEach(e -> assertEquals("hooli", ((JsonObject) e).getJsonObject("entry", (JsonObject) e).getString("tenant"), e.toString()));
    assertProblem(Tenants.getWith(gw + "/v1/audit/entries?tenant=acme", auditor), 403, "auth.forbidden");
  }

  @Test
  void adminChangesFailClosedWhenTheLedgerIsGone() throws Exception {
    try (SuiteHarness own = new SuiteHarness("tenant_fail_closed")) {
      Tenants.create(own.gateway(), "before");
      own.running.runner("audit").stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertProblem(Tenants.admin("POST", own.gateway() + "/admin/tenants", "{\"id\":\"after\"}"), 503, "audit.unavailable");
      assertProblem(Tenants.admin("POST", own.gateway() + "/admin/tenants/before/suspend", null), 503, "audit.unavailable");
      try (Connection c = own.db.jdbc(); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT string_agg(id || ':' || status, ',') FROM gateway.tenants")) {
        rs.next();
        assertEquals("before:active", rs.getString(1), "nothing half-written");
      }
    }
  }

  static HttpResponse<String> awaitStatus(String url, String key, int status, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    HttpResponse<String> last;
    do {
      last = Tenants.getWith(url, key);
      if (last.statusCode() == status) {
        return last;
      }
      Http.sleep(100);
    } while (System.nanoTime() < end);
    return last;
  }

}
