package io.bulwark.suite;

import static io.bulwark.suite.EventSliceIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.ledger.BundleVerifier;
import io.bulwark.ledger.Checkpoint;
import io.bulwark.ledger.SignedNote;
import io.bulwark.ledger.VerificationResult;
import io.bulwark.ledger.VerifierKey;
import io.bulwark.shared.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operations APIs on a running suite: compliance reports and evidence packs scoped per tenant (and verifiable
 * offline), the per-tenant export, and the regulator portal (access codes, read-only tokens, expiry, auditing).
 */
class OperationsApiIT {
  static final String REGULATOR_CODE = "it-regulator-access-code-7f3a9c2e51";
  private static SuiteHarness suite;
  private static String gw;
  private static String keyA;
  private static String keyB;
  private static long lastIndex;

  @BeforeAll
  static void start() throws Exception {
    suite = new SuiteHarness("operations_api", Map.of(
        "BULWARK_REGULATOR_ACCESS_CODES", "fca:" + sha256Hex(REGULATOR_CODE),
        "BULWARK_TRUSTED_PROXIES", "127.0.0.1",
        "BULWARK_AUTH_FAILURE_LIMIT", "3"));
    gw = suite.gateway();
    Tenants.create(gw, "acme");
    Tenants.create(gw, "globex");
    keyA = Tenants.issue(gw, "acme", "audit:read", "audit:write").getString("secret");
    keyB = Tenants.issue(gw, "globex", "audit:read", "audit:write").getString("secret");
    for (int i = 0; i < 3; i++) {
      append(keyA, "acme-user-" + i);
      append(keyB, "globex-user-" + i);
    }
    // evidence packs and exports stop at the latest checkpoint: wait until one covers what was appended
    long end = System.nanoTime() + 15_000_000_000L;
    while (System.nanoTime() < end && Tenants.getWith(gw + "/v1/audit/proof/" + lastIndex, keyA).statusCode() != 200) {
      Http.sleep(100);
    }
  }

  @AfterAll
  static void stop() {
    suite.close();
  }

  private static void append(String key, String actor) {
    HttpResponse<String> r = Http.post(gw + "/v1/events", "{\"actor\":\"" + actor + "\",\"action\":\"doc.read\",\"outcome\":\"success\"}",
        "X-API-Key", key, "Content-Type", "application/json");
    assertEquals(201, r.statusCode(), r.body());
    lastIndex = Math.max(lastIndex, Http.json(r).getLong("index"));
  }

  static HttpResponse<String> call(String method, String path, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    List<String> all = new ArrayList<>(List.of(headers));
    if (body != null) {
      all.add("Content-Type");
      all.add("application/json");
    }
    return Http.send(b, all.toArray(new String[0]));
  }

  private static HttpResponse<String> as(String credential, String method, String path, String body) {
    return call(method, path, body, "Authorization", "Bearer " + credential);
  }

  @Test
  void complianceReportIsScopedToTheCallersTenant() {
    HttpResponse<String> own = as(keyA, "GET", "/compliance/report", null);
    assertEquals(200, own.statusCode(), own.body());
    assertEquals("no-store", own.headers().firstValue("Cache-Control").orElse(""));
    JsonObject r = Http.json(own);
    assertEquals("bulwark-compliance-report/v1", r.getString("format"));
    assertEquals("acme", r.getJsonObject("scope").getString("tenant"));
    JsonObject ledger = r.getJsonObject("ledger");
    assertTrue(ledger.getLong("size") > lastIndex, ledger.encode());
    assertTrue(ledger.getJsonObject("checkpoint").getLong("ageSeconds") >= 0);
    assertNotNull(r.getJsonObject("retention").getString("hotRetention"));
    JsonObject keys = r.getJsonObject("keys");
    assertFalse(keys.getJsonArray("signing").isEmpty());
    assertNull(keys.getValue("admin"), "a tenant does not see the admin keys");
    JsonArray tenantKeys = keys.getJsonObject("tenant").getJsonArray("keys");
    assertEquals(1, tenantKeys.size());
    assertEquals(0L, tenantKeys.getJsonObject(0).getLong("ageDays"));
    assertFalse(own.body().contains("globex"), own.body());

    assertProblem(as(keyA, "GET", "/compliance/report?tenant=globex", null), 403, "auth.forbidden");
    assertProblem(as(keyA, "GET", "/compliance/report?tenant=Bad%20Id", null), 400, "validation.failed");
    assertProblem(call("GET", "/compliance/report", null), 401, "auth.missing_credentials");

    JsonObject admin = Http.json(as(SuiteHarness.ADMIN_KEY, "GET", "/compliance/report", null));
    assertNull(admin.getJsonObject("scope").getValue("tenant"));
    JsonArray adminKeys = admin.getJsonObject("keys").getJsonObject("admin").getJsonArray("keys");
    assertEquals(2, adminKeys.size(), "current and previous admin key");
    assertTrue(adminKeys.getJsonObject(0).getBoolean("current"));
    assertNotNull(adminKeys.getJsonObject(0).getString("firstSeen"));
    assertEquals(2L, admin.getJsonObject("keys").getJsonObject("tenant").getLong("usable"));
    assertEquals("globex", Http.json(as(SuiteHarness.ADMIN_KEY, "GET", "/compliance/report?tenant=globex", null))
        .getJsonObject("scope").getString("tenant"));
    assertProblem(as(SuiteHarness.ADMIN_KEY, "GET", "/compliance/report?tenant=nobody", null), 404, "tenant.not_found");
  }

  @Test
  void evidencePacksAreTheTenantsOwnAndVerifyOffline() throws Exception {
    HttpResponse<String> madeA = as(keyA, "POST", "/compliance/evidence", "{\"tag\":\"INC-42\"}");
    assertEquals(201, madeA.statusCode(), madeA.body());
    JsonObject packA = Http.json(madeA);
    assertEquals("acme", packA.getString("tenant"));
    assertEquals("/compliance/evidence/" + packA.getString("id"), madeA.headers().firstValue("Location").orElse(""));
    HttpResponse<String> madeB = as(SuiteHarness.ADMIN_KEY, "POST", "/compliance/evidence", "{\"tenant\":\"globex\"}");
    assertEquals(201, madeB.statusCode(), madeB.body());
    String idB = Http.json(madeB).getString("id");

    assertProblem(as(keyA, "POST", "/compliance/evidence", "{\"tenant\":\"globex\"}"), 403, "auth.forbidden");
    assertProblem(as(SuiteHarness.ADMIN_KEY, "POST", "/compliance/evidence", "{}"), 400, "validation.failed");
    assertProblem(as(SuiteHarness.ADMIN_KEY, "POST", "/compliance/evidence", "{\"tenant\":\"nobody\"}"), 404, "tenant.not_found");
    assertProblem(as(keyA, "POST", "/compliance/evidence", "{\"tag\":\"no spaces\"}"), 400, "validation.failed");

    JsonArray listedA = Http.json(as(keyA, "GET", "/compliance/evidence", null)).getJsonArray("packs");
    assertTrue(listedA.stream().anyMatch(p -> packA.getString("id").equals(((JsonObject) p).getString("id"))), listedA.encode());
    assertTrue(listedA.stream().allMatch(p -> "acme".equals(((JsonObject) p).getString("tenant"))), listedA.encode());
    assertProblem(as(keyA, "GET", "/compliance/evidence/" + idB, null), 404, "evidence.not_found");
    assertProblem(as(keyA, "GET", "/compliance/evidence/ev_doesnotexist", null), 404, "evidence.not_found");
    JsonArray all = Http.json(as(SuiteHarness.ADMIN_KEY, "GET", "/compliance/evidence", null)).getJsonArray("packs");
    assertTrue(all.stream().anyMatch(p -> idB.equals(((JsonObject) p).getString("id"))), all.encode());
    assertTrue(Http.json(as(SuiteHarness.ADMIN_KEY, "GET", "/compliance/evidence?tenant=globex", null)).getJsonArray("packs")
        .stream().allMatch(p -> "globex".equals(((JsonObject) p).getString("tenant"))));

    HttpResponse<byte[]> download = Http.sendBytes(HttpRequest.newBuilder(URI.create(gw + "/compliance/evidence/" + packA.getString("id"))),
        "X-API-Key", keyA);
    assertEquals(200, download.statusCode());
    assertEquals("no-store", download.headers().firstValue("Cache-Control").orElse(""));
    byte[] bytes = download.body();
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(bytes);
    assertEquals("sha-256=:" + Base64.getEncoder().encodeToString(sha) + ":", download.headers().firstValue("Repr-Digest").orElse(""));
    assertEquals(packA.getString("sha256"), HexFormat.of().formatHex(sha));
    assertEquals(HexFormat.of().formatHex(sha), ledgerDigestOf(packA.getString("id")), "the ledger holds the pack's SHA-256");

    JsonObject pack = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    assertEquals("bulwark-evidence-pack/v1", pack.getString("format"));
    assertEquals("INC-42", pack.getString("tag"));
    assertEquals("acme", pack.getJsonObject("report").getJsonObject("scope").getString("tenant"));
    List<VerifierKey> trusted = new ArrayList<>();
    for (Object k : pack.getJsonArray("keys")) {
      trusted.add(VerifierKey.parse((String) k));
    }
    JsonObject cp = pack.getJsonObject("checkpoint");
    Checkpoint checkpoint = Checkpoint.parse(SignedNote.open(cp.getString("note"), trusted).body());
    assertEquals(cp.getLong("size").longValue(), checkpoint.size());
    JsonObject bundle = pack.getJsonObject("export");
    assertFalse(bundle.getJsonArray("entries").isEmpty());
    Path file = Files.createTempFile("evidence-bundle", ".json");
    try {
      Files.writeString(file, bundle.encode());
      VerificationResult v = BundleVerifier.verifyFile(file, trusted);
      assertTrue(v.verified(), v.toJson());
    } finally {
      Files.deleteIfExists(file);
    }
    assertFalse(bundle.encode().contains("globex"), "tenant acme's pack holds none of globex's entries");

    // stored packs cannot be changed afterwards, not even by the database owner
    try (Connection c = suite.db.jdbc(); Statement s = c.createStatement()) {
      assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE gateway.evidence_packs SET tag = 'changed'"));
      assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM gateway.evidence_packs"));
    }
  }

  @Test
  void orgExportIsAdminOnlyUncachedAndComplete() {
    HttpResponse<String> r = as(SuiteHarness.ADMIN_KEY, "GET", "/admin/export/acme", null);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
    JsonObject e = Http.json(r);
    assertEquals("bulwark-org-export/v1", e.getString("format"));
    assertEquals("acme", e.getJsonObject("tenant").getString("id"));
    assertEquals(1, e.getJsonArray("keys").size());
    assertFalse(r.body().contains(keyA), "never a key's secret");
    assertFalse(r.body().contains("keyHash") || r.body().contains("key_hash"));
    assertFalse(e.getJsonObject("audit").getJsonArray("entries").isEmpty());
    assertTrue(e.getString("checkpoint").contains("\n— "), "a signed note");
    assertFalse(r.body().contains("globex-user"), "only acme's entries");
    assertProblem(as(keyA, "GET", "/admin/export/acme", null), 403, "auth.forbidden");
    assertProblem(as(SuiteHarness.ADMIN_KEY, "GET", "/admin/export/nobody", null), 404, "tenant.not_found");
    assertProblem(as(SuiteHarness.ADMIN_KEY, "GET", "/admin/export/..%2F..%2Fetc", null), 404, null);
  }

  @Test
  void regulatorLogsInWithTheRightCodeAndWrongCodesGetBlocked() {
    JsonObject health = Http.json(call("GET", "/regulator/health", null));
    assertEquals("enabled", health.getString("portal"));
    assertTrue(health.getBoolean("ok"));

    HttpResponse<String> ok = login(REGULATOR_CODE, "203.0.113.10");
    assertEquals(200, ok.statusCode(), ok.body());
    JsonObject t = Http.json(ok);
    assertTrue(t.getString("token").startsWith("bwr_"));
    assertTrue(t.getBoolean("readOnly"));
    assertTrue(t.getLong("expiresIn") > 0 && t.getLong("expiresIn") <= 900);

    String ip = "203.0.113.20";
    for (int i = 0; i < 3; i++) {
      assertProblem(login("wrong-code-" + i, ip), 401, "auth.invalid_access_code");
    }
    HttpResponse<String> blocked = login(REGULATOR_CODE, ip);
    assertProblem(blocked, 429, "auth.blocked");
    assertTrue(blocked.headers().firstValue("Retry-After").isPresent());
    assertProblem(call("POST", "/regulator/login", "{\"accessCode\":42}", "X-Forwarded-For", "203.0.113.30"), 400,
        "validation.failed");
    assertProblem(call("POST", "/regulator/login", "{}", "X-Forwarded-For", "203.0.113.30"), 400, "validation.failed");
  }

  @Test
  void aRegulatorTokenOnlyReads() {
    String token = Http.json(login(REGULATOR_CODE, "203.0.113.40")).getString("token");
    String packId = Http.json(as(keyA, "POST", "/compliance/evidence", "{}")).getString("id");
    for (String path : List.of("/regulator/session", "/regulator/report", "/regulator/evidence", "/regulator/evidence/" + packId,
        "/regulator/checkpoint", "/regulator/keys")) {
      HttpResponse<String> r = as(token, "GET", path, null);
      assertEquals(200, r.statusCode(), path + " " + r.body());
      assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""), path);
    }
    assertNotNull(Http.json(as(token, "GET", "/regulator/report", null)).getJsonObject("keys").getJsonObject("admin"));
    for (String path : List.of("/regulator/session", "/regulator/report", "/regulator/evidence", "/regulator/evidence/" + packId,
        "/regulator/checkpoint", "/regulator/keys", "/regulator/login", "/regulator/health", "/admin/tenants",
        "/compliance/evidence", "/v1/events", "/admin/tenants/acme/suspend", "/anything/else")) {
      for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
        assertProblem(as(token, method, path, "{}"), 403, "auth.read_only");
      }
    }
    assertProblem(as(token, "GET", "/admin/tenants", null), 403, "auth.forbidden");
    assertProblem(as(token, "GET", "/v1/audit/entries", null), 403, "auth.forbidden");
    assertProblem(as(keyA, "GET", "/regulator/report", null), 403, "auth.forbidden");
    assertProblem(as(SuiteHarness.ADMIN_KEY, "GET", "/regulator/report", null), 403, "auth.forbidden");
    assertEquals("active", Http.json(as(SuiteHarness.ADMIN_KEY, "GET", "/admin/tenants/acme", null)).getString("status"));
  }

  @Test
  void regulatorTokensExpire() throws Exception {
    String token = Http.json(login(REGULATOR_CODE, "203.0.113.50")).getString("token");
    assertEquals(200, as(token, "GET", "/regulator/session", null).statusCode());
    try (Connection c = suite.db.jdbc(); Statement s = c.createStatement()) {
      // the session's clock is the database's: move this session's expiry into the past
      s.executeUpdate("UPDATE gateway.regulator_sessions SET expires_at = now() - interval '1 second'"
          + " WHERE token_hash = decode('" + sha256Hex(token) + "', 'hex')");
    }
    assertProblem(as(token, "GET", "/regulator/report", null), 401, "auth.invalid_token");
  }

  @Test
  void anAdminEndsRegulatorSessionsAtOnce() throws Exception {
    String token = Http.json(login(REGULATOR_CODE, "203.0.113.70")).getString("token");
    assertEquals(200, as(token, "GET", "/regulator/session", null).statusCode());
    assertProblem(as(keyA, "DELETE", "/admin/regulator/sessions?name=fca", null), 403, "auth.forbidden");
    assertProblem(as(SuiteHarness.ADMIN_KEY, "DELETE", "/admin/regulator/sessions?name=no%20such", null), 400, "validation.failed");
    HttpResponse<String> ended = as(SuiteHarness.ADMIN_KEY, "DELETE", "/admin/regulator/sessions?name=fca", null);
    assertEquals(200, ended.statusCode(), ended.body());
    assertTrue(Http.json(ended).getInteger("ended") >= 1, ended.body());
    assertProblem(as(token, "GET", "/regulator/report", null), 401, "auth.invalid_token");
    assertEquals(1, count("action = 'regulator.sessions.end' AND convert_from(entry, 'UTF8')::jsonb ->> 'target' = 'regulator:fca'"), "recorded before it took effect");
    assertEquals(200, login(REGULATOR_CODE, "203.0.113.71").statusCode(), "the code itself still works");
  }

  @Test
  void everyRegulatorAccessIsALedgerEntry() throws Exception {
    // this test's requests carry their own request ids: earlier tests' entries may still be on their way to the ledger
    String run = "reg-access-" + java.util.UUID.randomUUID();
    HttpResponse<String> login = call("POST", "/regulator/login", new JsonObject().put("accessCode", REGULATOR_CODE).encode(),
        "X-Forwarded-For", "203.0.113.60", "x-request-id", run + "-login");
    String token = Http.json(login).getString("token");
    List<String> paths = List.of("/regulator/report", "/regulator/checkpoint", "/regulator/keys");
    for (int i = 0; i < paths.size(); i++) {
      assertEquals(200, call("GET", paths.get(i), null, "Authorization", "Bearer " + token, "x-request-id", run + "-" + i)
          .statusCode());
    }
    String mine = "request_id LIKE '" + run + "-%'";
    long end = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < end && count(mine + " AND action = 'regulator.access'") < paths.size()) {
      Http.sleep(100);
    }
    assertEquals(paths.size(), count(mine + " AND action = 'regulator.access' AND actor = 'regulator:fca'"));
    assertEquals(1, count(mine + " AND action = 'regulator.login' AND outcome = 'success'"));
  }

  static HttpResponse<String> login(String code, String sourceIp) {
    return call("POST", "/regulator/login", new JsonObject().put("accessCode", code).encode(), "X-Forwarded-For", sourceIp);
  }

  private static long count(String where) throws SQLException {
    try (Connection c = suite.db.jdbc(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM audit.entries WHERE " + where)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The SHA-256 the ledger entry {@code compliance.evidence.create} recorded for a pack. */
  private static String ledgerDigestOf(String packId) {
    JsonArray found = Http.json(as(SuiteHarness.ADMIN_KEY, "GET", "/v1/audit/entries?action=compliance.evidence.create", null))
        .getJsonArray("entries");
    for (Object o : found) {
      JsonObject entry = (JsonObject) o;
      if (packId.equals(entry.getString("target"))) {
        return entry.getJsonObject("details").getString("sha256");
      }
    }
    throw new AssertionError("no ledger entry for " + packId + ": " + found.encode());
  }

  static String sha256Hex(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
