package io.bulwark.suite;

import static io.bulwark.suite.EventSliceIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.test.Http;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backup admin API on a running suite: who may call it, that a malformed request is refused before anything goes
 * to the ledger or to backup-service, what it answers with backup-service running (runs, checks, refusals, the report's
 * backups section, the packs' manifest) and what it, the report and packs answer when backup-service is not there (a
 * suite of its own, since it stops services).
 */
class BackupApiIT {
  static final String GOOD_ID = "b-20260101T021500Z-3f9a";
  /** Every backup route, as (method, path) with a well-formed backup id. */
  static final String[][] ROUTES = {{"GET", "/admin/backups"}, {"POST", "/admin/backups"}, {"GET", "/admin/backups/" + GOOD_ID},
      {"POST", "/admin/backups/" + GOOD_ID + "/verify"}, {"POST", "/admin/backups/" + GOOD_ID + "/drill"},
      {"POST", "/admin/backups/" + GOOD_ID + "/restore"}};
  private static SuiteHarness suite;
  private static BusWatch watch;
  private static String tenantKey;
  private static String regulatorToken;
  private static Path backups;

  @BeforeAll
  static void start() throws Exception {
    io.bulwark.shared.test.ExternalTool.require("pg_dump", "postgresql-client");
    backups = Files.createTempDirectory("bulwark-backup-api-");
    suite = new SuiteHarness("backup_api", Map.of(
        "BULWARK_REGULATOR_ACCESS_CODES", "fca:" + OperationsApiIT.sha256Hex(OperationsApiIT.REGULATOR_CODE),
        "BULWARK_BACKUP_DIR", backups.toString(), "BULWARK_BACKUP_SCHEDULE", "off", "BULWARK_BACKUP_DRILL_SCHEDULE", "off"));
    watch = BusWatch.on(suite.running.vertx());
    Tenants.create(suite.gateway(), "acme");
    tenantKey = Tenants.issue(suite.gateway(), "acme", "audit:read", "audit:write").getString("secret");
    HttpResponse<String> login = Http.post(suite.gateway() + "/regulator/login",
        new JsonObject().put("accessCode", OperationsApiIT.REGULATOR_CODE).encode(), "Content-Type", "application/json");
    assertEquals(200, login.statusCode(), login.body());
    regulatorToken = Http.json(login).getString("token");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      suite.close();
    } finally {
      try (Stream<Path> files = Files.walk(backups)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void backupsRunVerifyDrillAndReachTheReportAndEvidencePacks() throws Exception {
    String admin = "Bearer " + SuiteHarness.ADMIN_KEY;
    HttpResponse<String> listed = call(suite, "GET", "/admin/backups?status=all", null, "Authorization", admin);
    assertEquals(200, listed.statusCode(), listed.body());
    assertTrue(Http.json(listed).containsKey("backups") && !Http.json(listed).containsKey("v"), listed.body());

    String run = "bk-live-" + UUID.randomUUID();
    HttpResponse<String> started = call(suite, "POST", "/admin/backups", null, "Authorization", admin, "x-request-id", run);
    assertEquals(202, started.statusCode(), started.body());
    JsonObject running = Http.json(started).getJsonObject("backup");
    String first = running.getString("id");
    assertEquals("running", running.getString("status"), started.body());
    assertEquals(run, running.getString("requestId"));
    assertEquals("/admin/backups/" + first, started.headers().firstValue("Location").orElse(null));
    assertEquals("backups", awaitEntry(suite, run, "admin.backup.run").getString("target"));
    assertEquals("succeeded", awaitSettled(first).getString("status"));

    HttpResponse<String> waited = call(suite, "POST", "/admin/backups?wait=true", null, "Authorization", admin);
    assertEquals(200, waited.statusCode(), waited.body());
    JsonObject done = Http.json(waited).getJsonObject("backup");
    assertEquals("succeeded", done.getString("status"), waited.body());
    String id = done.getString("id");
    assertEquals("passed", awaitSettled(id).getJsonObject("verification").getString("status"));
    JsonObject available = Http.json(call(suite, "GET", "/admin/backups", null, "Authorization", admin));
    assertEquals(List.of(id, first), available.getJsonArray("backups").stream().map(b -> ((JsonObject) b).getString("id"))
        .filter(b -> b.equals(id) || b.equals(first)).toList(), "listed newest first: " + available.encode());

    JsonObject got = Http.json(call(suite, "GET", "/admin/backups/" + id, null, "Authorization", admin));
    JsonObject manifest = got.getJsonObject("manifest");
    assertEquals("bulwark-backup-manifest/v1", manifest.getString("format"), got.encode());
    assertEquals(id, manifest.getString("id"));
    assertEquals(done.getString("sha256"), manifest.getJsonObject("file").getString("sha256"));
    assertEquals("verify", got.getJsonArray("checks").getJsonObject(0).getString("kind"), got.encode());

    for (String kind : List.of("verify", "drill")) {
      HttpResponse<String> r = call(suite, "POST", "/admin/backups/" + id + "/" + kind + "?wait=true", null, "Authorization", admin);
      assertEquals(200, r.statusCode(), r.body());
      JsonObject check = Http.json(r).getJsonObject("check");
      assertEquals(kind, check.getString("kind"));
      assertEquals("passed", check.getString("status"), r.body());
      assertEquals("ok", check.getString("reason"));
    }
    String unknown = "b-20000101T000000Z-0000";
    assertProblem(call(suite, "GET", "/admin/backups/" + unknown, null, "Authorization", admin), 404, "backup.not_found");
    assertProblem(call(suite, "POST", "/admin/backups/" + unknown + "/drill?wait=true", null, "Authorization", admin), 404,
        "backup.not_found");
    JsonObject refused = assertProblem(call(suite, "POST", "/admin/backups/" + id + "/restore?wait=true",
        new JsonObject().put("database", suite.db.url().database()).encode(), "Authorization", admin), 409, "restore.refused");
    assertTrue(refused.getString("detail").contains("live database"), refused.encode());

    JsonObject section = Http.json(call(suite, "GET", "/compliance/report", null, "Authorization", admin)).getJsonObject("backups");
    assertEquals("reported", section.getString("status"), section.encode());
    assertEquals(id, section.getJsonObject("lastBackup").getString("id"), section.encode());
    assertEquals(done.getString("finishedAt"), section.getString("lastSuccessAt"));
    assertFalse(section.getBoolean("failing"));
    assertEquals("passed", section.getJsonObject("lastVerification").getString("status"));
    assertEquals("drill", section.getJsonObject("lastDrill").getString("kind"));
    assertEquals("passed", section.getJsonObject("lastDrill").getString("status"));
    assertTrue(section.getInteger("available") >= 2, section.encode());
    JsonObject tenantView = Http.json(call(suite, "GET", "/compliance/report", null, "X-API-Key", tenantKey)).getJsonObject("backups");
    assertEquals(id, tenantView.getJsonObject("lastBackup").getString("id"));
    assertFalse(tenantView.getJsonObject("lastBackup").containsKey("actor") || tenantView.getJsonObject("lastDrill")
        .containsKey("result"), "a tenant sees outcomes, not admin fingerprints or row counts: " + tenantView.encode());

    awaitProof(suite, tenantKey);
    HttpResponse<String> made = call(suite, "POST", "/compliance/evidence", "{\"tag\":\"backup-live\"}", "X-API-Key", tenantKey);
    assertEquals(201, made.statusCode(), made.body());
    JsonObject pack = Http.json(call(suite, "GET", "/compliance/evidence/" + Http.json(made).getString("id"), null,
        "X-API-Key", tenantKey));
    assertEquals(id, pack.getJsonObject("backupManifest").getString("id"), "the latest manifest");
    assertEquals(manifest.getJsonObject("file"), pack.getJsonObject("backupManifest").getJsonObject("file"));
  }

  @Test
  void aSecondRunWhileOneIsUnderWayIsRefused() throws Exception {
    String admin = "Bearer " + SuiteHarness.ADMIN_KEY;
    String id;
    try (Connection locker = suite.db.jdbc(); Statement s = locker.createStatement()) {
      // outside the service schemas: a lock on it stalls pg_dump only, so the first run stays under way
      s.execute("CREATE TABLE IF NOT EXISTS public.api_lock_probe (id int)");
      locker.setAutoCommit(false);
      s.execute("LOCK TABLE public.api_lock_probe IN ACCESS EXCLUSIVE MODE");
      try {
        HttpResponse<String> first = call(suite, "POST", "/admin/backups", null, "Authorization", admin);
        assertEquals(202, first.statusCode(), first.body());
        id = Http.json(first).getJsonObject("backup").getString("id");
        JsonObject second = assertProblem(call(suite, "POST", "/admin/backups?wait=true", null, "Authorization", admin), 409,
            "backup.in_progress");
        assertTrue(second.getString("detail").contains(id), second.encode());
        JsonObject list = Http.json(call(suite, "GET", "/admin/backups", null, "Authorization", admin));
        assertEquals(id, list.getJsonObject("running").getString("id"), list.encode());
      } finally {
        locker.rollback();
      }
    }
    assertEquals("succeeded", awaitSettled(id).getString("status"), "the first run goes on once the lock is gone");
  }

  /** The backup once it has ended and, when it succeeded, the verification after it too (it shares the check lane). */
  private static JsonObject awaitSettled(String id) {
    long end = System.nanoTime() + 60_000_000_000L;
    while (true) {
      HttpResponse<String> r = call(suite, "GET", "/admin/backups/" + id, null, "Authorization", "Bearer " + SuiteHarness.ADMIN_KEY);
      assertEquals(200, r.statusCode(), r.body());
      JsonObject b = Http.json(r).getJsonObject("backup");
      if ("failed".equals(b.getString("status")) || b.getValue("verification") != null) {
        return b;
      }
      assertTrue(System.nanoTime() < end, "not settled within 60 s: " + r.body());
      Http.sleep(100);
    }
  }

  /** Appends an event with {@code key} and waits until a checkpoint covers it: evidence packs stop at the latest one. */
  private static void awaitProof(SuiteHarness on, String key) {
    HttpResponse<String> appended = Http.post(on.gateway() + "/v1/events",
        "{\"actor\":\"alice\",\"action\":\"doc.read\",\"outcome\":\"success\"}", "X-API-Key", key,
        "Content-Type", "application/json");
    assertEquals(201, appended.statusCode(), appended.body());
    long index = Http.json(appended).getLong("index");
    long end = System.nanoTime() + 15_000_000_000L;
    while (System.nanoTime() < end && Tenants.getWith(on.gateway() + "/v1/audit/proof/" + index, key).statusCode() != 200) {
      Http.sleep(100);
    }
  }

  @Test
  void malformedRequestsAreRefusedBeforeAnythingIsSent() throws Exception {
    String[][] cases = {
        // method, path, body, expected code
        {"GET", "/admin/backups/not-a-backup", null, "validation.failed"},
        {"GET", "/admin/backups/b-20260101T021500Z-3F9A", null, "validation.failed"},
        {"GET", "/admin/backups/b-20260101T021500Z-3f9a0", null, "validation.failed"},
        {"POST", "/admin/backups/c-20260101T021500Z-3f9a/verify", null, "validation.failed"},
        {"POST", "/admin/backups/b-2026-01-01/drill", null, "validation.failed"},
        {"POST", "/admin/backups/%27%20OR%201=1/restore", null, "validation.failed"},
        {"GET", "/admin/backups?status=pending", null, "validation.failed"},
        {"GET", "/admin/backups?status=", null, "validation.failed"},
        {"GET", "/admin/backups?limit=0", null, "validation.failed"},
        {"GET", "/admin/backups?limit=501", null, "validation.failed"},
        {"GET", "/admin/backups?limit=-1", null, "validation.failed"},
        {"GET", "/admin/backups?limit=ten", null, "validation.failed"},
        {"GET", "/admin/backups?limit=5&limit=6", null, "validation.failed"},
        {"GET", "/admin/backups?order=asc", null, "validation.failed"},
        {"GET", "/admin/backups/" + GOOD_ID + "?wait=true", null, "validation.failed"},
        {"POST", "/admin/backups?wait=yes", null, "validation.failed"},
        {"POST", "/admin/backups?wait=TRUE", null, "validation.failed"},
        {"POST", "/admin/backups/" + GOOD_ID + "/verify?wait=1", null, "validation.failed"},
        {"POST", "/admin/backups", "{\"full\":true}", "validation.failed"},
        {"POST", "/admin/backups/" + GOOD_ID + "/drill", "{\"database\":\"scratch\"}", "validation.failed"},
        {"POST", "/admin/backups/" + GOOD_ID + "/restore", "{\"database\":\"Bad-Name\"}", "validation.failed"},
        {"POST", "/admin/backups/" + GOOD_ID + "/restore", "{\"database\":\"1restore\"}", "validation.failed"},
        {"POST", "/admin/backups/" + GOOD_ID + "/restore", "{\"database\":\"\"}", "validation.failed"},
        {"POST", "/admin/backups/" + GOOD_ID + "/restore", "{\"database\":7}", "validation.failed"},
        {"POST", "/admin/backups/" + GOOD_ID + "/restore", "{\"database\":\"" + "a".repeat(64) + "\"}", "validation.failed"},
        {"POST", "/admin/backups/" + GOOD_ID + "/restore", "{\"database\":\"bulwark_restore\",\"force\":true}", "validation.failed"},
        {"POST", "/admin/backups/" + GOOD_ID + "/restore", "[\"bulwark_restore\"]", "validation.malformed_json"},
        {"POST", "/admin/backups/" + GOOD_ID + "/restore", "{\"database\":", "validation.malformed_json"}};
    String run = "bk-invalid-" + UUID.randomUUID();
    int before = watch.size();
    for (int i = 0; i < cases.length; i++) {
      String[] c = cases[i];
      HttpResponse<String> r = call(suite, c[0], c[1], c[2], "Authorization", "Bearer " + SuiteHarness.ADMIN_KEY,
          "x-request-id", run + "-" + i);
      JsonObject problem = assertProblem(r, 400, c[3]);
      assertEquals(run + "-" + i, problem.getString("requestId"), String.join(" ", c));
    }
    HttpResponse<String> plainText = call(suite, "POST", "/admin/backups/" + GOOD_ID + "/restore", "database=x",
        "Authorization", "Bearer " + SuiteHarness.ADMIN_KEY, "Content-Type", "text/plain", "x-request-id", run + "-text");
    assertProblem(plainText, 415, "request.unsupported_media_type");
    assertEquals(List.of(), watch.since(before), "nothing went to backup-service or into the ledger for a backup");
    assertEquals(0, count(suite, "request_id LIKE '" + run + "-%' AND action LIKE 'admin.backup%'"));
  }

  @Test
  void onlyAdminKeysMayUseTheBackupRoutes() {
    int before = watch.size();
    for (String[] route : ROUTES) {
      assertProblem(call(suite, route[0], route[1], null), 401, "auth.missing_credentials");
      assertProblem(call(suite, route[0], route[1], null, "X-API-Key", tenantKey), 403, "auth.forbidden");
      assertProblem(call(suite, route[0], route[1], null, "Authorization", "Bearer " + tenantKey), 403, "auth.forbidden");
      // a regulator reads the report's backups section, not these routes; its writes are refused before any route
      assertProblem(call(suite, route[0], route[1], null, "Authorization", "Bearer " + regulatorToken), 403,
          "GET".equals(route[0]) ? "auth.forbidden" : "auth.read_only");
    }
    // the credential is judged before the request's content: a tenant learns nothing about what would be valid
    assertProblem(call(suite, "GET", "/admin/backups/not-a-backup", null, "X-API-Key", tenantKey), 403, "auth.forbidden");
    assertProblem(call(suite, "GET", "/admin/backups?limit=0", null), 401, "auth.missing_credentials");
    assertEquals(List.of(), watch.since(before));
  }

  @Test
  void withoutBackupServiceTheRoutesAre503AndReportsAndPacksStillAnswer() throws Exception {
    try (SuiteHarness down = new SuiteHarness("backup_api_down")) {
      BusWatch sent = BusWatch.on(down.running.vertx());
      String gw = down.gateway();
      Tenants.create(gw, "acme");
      String key = Tenants.issue(gw, "acme", "audit:read", "audit:write").getString("secret");
      awaitProof(down, key);

      down.running.runner("backup").stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      String admin = "Bearer " + SuiteHarness.ADMIN_KEY;
      assertProblem(call(down, "GET", "/admin/backups", null, "Authorization", admin), 503, "backup.unavailable");
      assertProblem(call(down, "GET", "/admin/backups/" + GOOD_ID, null, "Authorization", admin), 503, "backup.unavailable");

      String run = "bk-down-" + UUID.randomUUID();
      assertProblem(call(down, "POST", "/admin/backups", null, "Authorization", admin, "x-request-id", run + "-run"), 503,
          "backup.unavailable");
      assertProblem(call(down, "POST", "/admin/backups/" + GOOD_ID + "/restore", "{\"database\":\"bulwark_restore_1\"}",
          "Authorization", admin, "x-request-id", run + "-restore"), 503, "backup.unavailable");
      assertTrue(sent.addresses().contains(Addresses.BACKUP_RUN), "the run was sent once the ledger held it: " + sent.addresses());
      // the request is in the ledger first (fail closed), then what became of it
      JsonObject recorded = awaitEntry(down, run + "-run", "admin.backup.run");
      assertTrue(recorded.getString("actor").startsWith("admin:"), recorded.encode());
      assertFalse(recorded.encode().contains(SuiteHarness.ADMIN_KEY), "a fingerprint, never the key");
      assertEquals("backups", recorded.getString("target"));
      JsonObject aborted = awaitEntry(down, run + "-run", "admin.backup.run.aborted");
      assertEquals("failure", aborted.getString("outcome"));
      assertEquals("backup.unavailable", aborted.getJsonObject("details").getString("code"));
      JsonObject restore = awaitEntry(down, run + "-restore", "admin.backup.restore");
      assertEquals(GOOD_ID, restore.getString("target"));
      assertEquals("bulwark_restore_1", restore.getJsonObject("details").getString("database"));

      for (String credential : List.of(admin, "Bearer " + key)) {
        HttpResponse<String> report = call(down, "GET", "/compliance/report", null, "Authorization", credential);
        assertEquals(200, report.statusCode(), report.body());
        JsonObject backups = Http.json(report).getJsonObject("backups");
        assertEquals("unavailable", backups.getString("status"), backups.encode());
        assertTrue(backups.getString("detail").contains("backup-service"), backups.encode());
      }

      HttpResponse<String> made = call(down, "POST", "/compliance/evidence", "{\"tag\":\"backup-down\"}", "X-API-Key", key);
      assertEquals(201, made.statusCode(), made.body());
      HttpResponse<String> download = call(down, "GET", "/compliance/evidence/" + Http.json(made).getString("id"), null,
          "X-API-Key", key);
      assertEquals(200, download.statusCode());
      JsonObject pack = Http.json(download);
      assertTrue(pack.containsKey("backupManifest"), "the member is there, null");
      assertNull(pack.getValue("backupManifest"));
      assertTrue(pack.getJsonArray("notes").encode().contains("backup-service did not answer"), pack.getJsonArray("notes").encode());
      assertEquals("unavailable", pack.getJsonObject("report").getJsonObject("backups").getString("status"));

      // and with the ledger gone too, a backup write is refused before it reaches backup-service
      down.running.runner("audit").stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      int before = sent.size();
      assertProblem(call(down, "POST", "/admin/backups", null, "Authorization", admin), 503, "audit.unavailable");
      assertProblem(call(down, "POST", "/admin/backups/" + GOOD_ID + "/verify", null, "Authorization", admin), 503,
          "audit.unavailable");
      assertFalse(sent.since(before).stream().anyMatch(s -> s.startsWith("bulwark.backup.")), sent.since(before).toString());
    }
  }

  static HttpResponse<String> call(SuiteHarness on, String method, String path, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(on.gateway() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    List<String> all = new ArrayList<>(List.of(headers));
    if (body != null && !all.contains("Content-Type")) {
      all.add("Content-Type");
      all.add("application/json");
    }
    return Http.send(b, all.toArray(new String[0]));
  }

  static long count(SuiteHarness on, String where) throws SQLException {
    try (Connection c = on.db.jdbc(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM audit.entries WHERE " + where)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The ledger entry of {@code action} made for request {@code requestId}, waiting a little for follow-up entries. */
  static JsonObject awaitEntry(SuiteHarness on, String requestId, String action) throws SQLException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try (Connection c = on.db.jdbc(); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT convert_from(entry, 'UTF8') FROM audit.entries WHERE request_id = '" + requestId
               + "' AND action = '" + action + "'")) {
        if (rs.next()) {
          return new JsonObject(rs.getString(1));
        }
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("no ledger entry " + action + " for request " + requestId);
      }
      Http.sleep(100);
    }
  }
}
