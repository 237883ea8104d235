package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.Http;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every tenant-scoped endpoint, asked by one tenant's key (holding every scope) for another tenant's things: 403 or
 * 404, and never a byte of the other tenant's data; endpoints that answer with the caller's own data never mix in the
 * other's.
 */
class CrossTenantIT {
  private static final String B_MARKER = "only-tenant-b-knows-this";
  private static SuiteHarness suite;
  private static String keyA;
  private static String keyB;
  private static String keyIdB;
  private static long entryB;

  @BeforeAll
  static void start() {
    suite = new SuiteHarness("cross_tenant");
    String gw = suite.gateway();
    Tenants.create(gw, "tenant-a");
    Tenants.create(gw, "tenant-b");
    keyA = Tenants.issue(gw, "tenant-a", "read", "write", "audit:read", "audit:write").getString("secret");
    JsonObject b = Tenants.issue(gw, "tenant-b", "read", "write", "audit:read", "audit:write");
    keyB = b.getString("secret");
    keyIdB = b.getJsonObject("key").getString("id");
    HttpResponse<String> r = Http.post(gw + "/v1/events", "{\"actor\":\"" + B_MARKER + "\",\"action\":\"doc.read\",\"outcome\":\"success\","
        + "\"details\":{\"note\":\"" + B_MARKER + "\"}}", "X-API-Key", keyB, "Content-Type", "application/json");
    assertEquals(201, r.statusCode(), r.body());
    entryB = Http.json(r).getLong("index");
    assertEquals(201, Http.post(gw + "/v1/events", "{\"actor\":\"a-user\",\"action\":\"doc.read\",\"outcome\":\"success\"}",
        "X-API-Key", keyA, "Content-Type", "application/json").statusCode());
    // wait until tenant b's entry is covered by a checkpoint, so exports include it
    long end = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < end && Tenants.getWith(gw + "/v1/audit/proof/" + entryB, keyB).statusCode() != 200) {
      Http.sleep(100);
    }
  }

  @AfterAll
  static void stop() {
    suite.close();
  }

  private static HttpResponse<String> as(String key, String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(suite.gateway() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return body == null ? Http.send(b, "X-API-Key", key) : Http.send(b, "X-API-Key", key, "Content-Type", "application/json");
  }

  @Test
  void anotherTenantsThingsAreForbiddenOrAbsent() {
    String[][] matrix = {
        {"GET", "/admin/tenants/tenant-b", null}, {"GET", "/admin/tenants", null},
        {"GET", "/admin/tenants/tenant-b/keys", null}, {"POST", "/admin/tenants/tenant-b/keys", "{\"scopes\":[\"read\"]}"},
        {"DELETE", "/admin/tenants/tenant-b/keys/" + keyIdB, null},
        {"POST", "/admin/tenants/tenant-b/keys/" + keyIdB + "/replace", "{}"},
        {"POST", "/admin/tenants/tenant-b/suspend", null}, {"POST", "/admin/tenants/tenant-b/resume", null},
        {"POST", "/admin/tenants", "{\"id\":\"tenant-c\"}"},
        {"GET", "/v1/events/" + entryB, null},
        {"POST", "/v1/events", "{\"tenant\":\"tenant-b\",\"actor\":\"x\",\"action\":\"doc.read\",\"outcome\":\"success\"}"},
        {"GET", "/v1/audit/entries?tenant=tenant-b", null}, {"GET", "/v1/audit/export?tenant=tenant-b", null},
        {"GET", "/v1/audit/export.csv?tenant=tenant-b", null}, {"POST", "/v1/audit/verify", null},
        {"POST", "/v1/audit/retention/pause", null}, {"GET", "/v1/audit/retention", null}};
    List<String> wrong = new ArrayList<>();
    for (String[] m : matrix) {
      HttpResponse<String> r = as(keyA, m[0], m[1], m[2]);
      if ((r.statusCode() != 403 && r.statusCode() != 404) || r.body().contains(B_MARKER) || r.body().contains(keyIdB)) {
        wrong.add(m[0] + " " + m[1] + " -> " + r.statusCode() + " " + r.body());
      }
    }
    assertTrue(wrong.isEmpty(), "tenant a reached tenant b: " + wrong);
    // tenant b is untouched: its key works and its tenant is active
    assertEquals(200, Tenants.getWith(suite.gateway() + "/v1/audit/entries", keyB).statusCode());
  }

  @Test
  void ownDataAnswersNeverMixInTheOtherTenant() {
    for (String path : new String[] {"/v1/audit/entries", "/v1/audit/entries?limit=500", "/v1/audit/export", "/v1/audit/export.csv",
        "/v1/audit/entries?actor=" + B_MARKER}) {
      HttpResponse<String> r = as(keyA, "GET", path, null);
      assertEquals(200, r.statusCode(), path + ": " + r.body());
      assertFalse(r.body().contains(B_MARKER), path + " leaked tenant b's entry: " + r.body());
    }
    HttpResponse<String> own = as(keyB, "GET", "/v1/audit/entries?actor=" + B_MARKER, null);
    assertTrue(own.body().contains(B_MARKER), "tenant b sees its own entry: " + own.body());
  }
}
