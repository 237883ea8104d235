package io.bulwark.suite;

import static io.bulwark.suite.EventSliceIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.test.Http;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backup admin API on a running suite: who may call it, that a malformed request is refused before anything goes
 * to the ledger or to backup-service, and what the API, the compliance report and evidence packs answer when
 * backup-service is not there. Cases that need backup-service's answers belong in the shared suite below (its
 * backup-service runs); the outage gets a suite of its own, since it stops services.
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

  @BeforeAll
  static void start() throws Exception {
    suite = new SuiteHarness("backup_api", Map.of(
        "BULWARK_REGULATOR_ACCESS_CODES", "fca:" + OperationsApiIT.sha256Hex(OperationsApiIT.REGULATOR_CODE)));
    watch = BusWatch.on(suite.running.vertx());
    Tenants.create(suite.gateway(), "acme");
    tenantKey = Tenants.issue(suite.gateway(), "acme", "audit:read", "audit:write").getString("secret");
    HttpResponse<String> login = Http.post(suite.gateway() + "/regulator/login",
        new JsonObject().put("accessCode", OperationsApiIT.REGULATOR_CODE).encode(), "Content-Type", "application/json");
    assertEquals(200, login.statusCode(), login.body());
    regulatorToken = Http.json(login).getString("token");
  }

  @AfterAll
  static void stop() {
    suite.close();
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
      HttpResponse<String> appended = Http.post(gw + "/v1/events", "{\"actor\":\"alice\",\"action\":\"doc.read\",\"outcome\":\"success\"}",
          "X-API-Key", key, "Content-Type", "application/json");
      assertEquals(201, appended.statusCode(), appended.body());
      long index = Http.json(appended).getLong("index");
      // evidence packs stop at the latest checkpoint: wait until one covers the event
      long end = System.nanoTime() + 15_000_000_000L;
      while (System.nanoTime() < end && Tenants.getWith(gw + "/v1/audit/proof/" + index, key).statusCode() != 200) {
        Http.sleep(100);
      }

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

  /**
   * What the services sent on the bus that concerns backups: requests to backup-service (not its pings or broadcasts)
   * and ledger appends of {@code admin.backup.*} actions. Watches only; every message goes on unchanged.
   */
  static final class BusWatch {
    private final List<String> seen = new CopyOnWriteArrayList<>();

    static BusWatch on(Vertx vertx) {
      BusWatch w = new BusWatch();
      vertx.eventBus().addOutboundInterceptor(dc -> {
        String address = dc.message().address();
        Object body = dc.message().body();
        if (address.startsWith("bulwark.backup.") && !address.equals(Addresses.BACKUP_PING)
            && !address.equals(Addresses.BACKUP_EVENTS)) {
          w.seen.add(address);
        } else if (address.equals(Addresses.AUDIT_APPEND) && body instanceof JsonObject j
            && j.getValue("event") instanceof JsonObject e && e.getString("action", "").startsWith("admin.backup")) {
          w.seen.add(address + " " + e.getString("action"));
        }
        dc.next();
      });
      return w;
    }

    int size() {
      return seen.size();
    }

    List<String> since(int mark) {
      return List.copyOf(seen.subList(mark, seen.size()));
    }

    List<String> addresses() {
      return List.copyOf(seen);
    }
  }
}
