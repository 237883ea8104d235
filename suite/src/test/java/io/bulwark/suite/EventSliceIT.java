package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.ledger.MerkleHash;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.LogCapture;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The slice through gateway and audit-service: authenticated append, read back, append-only storage, bad input. */
class EventSliceIT {
  private static final String EVENT = "{\"actor\":\"alice\",\"action\":\"user.login\",\"outcome\":\"success\",\"target\":\"console\",\"details\":{\"mfa\":true}}";
  /** Leaves out the gateway's own decisions (auth, authz, rate limits), which the spool records for every request. */
  static final String CLIENT_EVENTS = " AND action NOT LIKE 'auth.%' AND action NOT LIKE 'authz.%' AND action NOT LIKE 'ratelimit.%'";
  private static SuiteHarness suite;

  @BeforeAll
  static void start() {
    suite = new SuiteHarness("event_slice");
  }

  @AfterAll
  static void stop() {
    suite.close();
  }

  private static HttpResponse<String> postEvent(String body, String... extraHeaders) {
    String[] headers = new String[4 + extraHeaders.length];
    headers[0] = "Authorization";
    headers[1] = "Bearer " + SuiteHarness.ADMIN_KEY;
    headers[2] = "Content-Type";
    headers[3] = "application/json";
    System.arraycopy(extraHeaders, 0, headers, 4, extraHeaders.length);
    return Http.post(suite.gateway() + "/v1/events", body, headers);
  }

  private static long rows() throws SQLException {
    try (Connection c = suite.db.jdbc(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM audit.entries WHERE category = 'audit'" + EventSliceIT.CLIENT_EVENTS)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void appendedEventIsCommittedReadableAndImmutable() throws Exception {
    HttpResponse<String> created = postEvent(EVENT);
    assertEquals(201, created.statusCode(), created.body());
    long index = Http.json(created).getLong("index");
    assertEquals("/v1/events/" + index, created.headers().firstValue("Location").orElseThrow());

    // the reply came after commit: the row is visible to another connection right away
    try (Connection c = suite.db.jdbc(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT entry, leaf_hash FROM audit.entries WHERE idx = " + index)) {
      assertTrue(rs.next(), "no committed row for index " + index);
      byte[] entry = rs.getBytes(1);
      assertEquals(HexFormat.of().formatHex(MerkleHash.leafHash(entry)), HexFormat.of().formatHex(rs.getBytes(2)));
      JsonObject stored = new JsonObject(new String(entry, StandardCharsets.UTF_8));
      assertEquals("alice", stored.getString("actor"));
      assertEquals(index, stored.getLong("index"));
      assertEquals(created.headers().firstValue("x-request-id").orElseThrow(), stored.getString("requestId"));
    }

    HttpResponse<String> read = Http.get(suite.gateway() + "/v1/events/" + index, "X-API-Key", SuiteHarness.ADMIN_KEY);
    assertEquals(200, read.statusCode(), read.body());
    JsonObject body = Http.json(read);
    assertEquals("user.login", body.getJsonObject("entry").getString("action"));
    assertEquals(Http.json(created).getString("leafHash"), body.getString("leafHash"));
    assertEquals(HexFormat.of().formatHex(MerkleHash.leafHash(body.getString("canonical").getBytes(StandardCharsets.UTF_8))),
        body.getString("leafHash"));

    for (String sql : List.of("UPDATE audit.entries SET entry = 'x'::bytea WHERE idx = " + index,
        "DELETE FROM audit.entries WHERE idx = " + index, "TRUNCATE audit.entries")) {
      try (Connection c = suite.db.jdbc(); Statement s = c.createStatement()) {
        SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
        assertTrue(e.getMessage().contains("append-only"), e.getMessage());
      }
    }
    assertEquals(200, Http.get(suite.gateway() + "/v1/events/" + index, "X-API-Key", SuiteHarness.ADMIN_KEY).statusCode());
  }

  @Test
  void indexesAreDenseAndIdempotentRetriesReturnTheFirstIndex() throws Exception {
    long first = Http.json(postEvent(EVENT)).getLong("index");
    long second = Http.json(postEvent(EVENT)).getLong("index");
    // other entries (the gateway's own auth decisions, through the spool) may fall between two appends; what holds is
    // that indexes only grow and the ledger has no gap
    assertTrue(second > first, first + " then " + second);
    try (Connection c = suite.db.jdbc(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*), max(idx) FROM audit.entries")) {
      rs.next();
      assertEquals(rs.getLong(2) + 1, rs.getLong(1), "indexes 0..max are all present");
    }

    HttpResponse<String> a = postEvent(EVENT, "Idempotency-Key", "retry-key-0001");
    HttpResponse<String> b = postEvent(EVENT, "Idempotency-Key", "retry-key-0001");
    assertEquals(201, a.statusCode());
    assertEquals(200, b.statusCode());
    assertEquals(Http.json(a).getLong("index"), Http.json(b).getLong("index"));
    assertTrue(Http.json(b).getBoolean("duplicate"));
  }

  @Test
  void previousAdminKeyIsStillAcceptedDuringRotation() {
    HttpResponse<String> r = Http.post(suite.gateway() + "/v1/events", EVENT,
        "X-API-Key", SuiteHarness.PREVIOUS_ADMIN_KEY, "Content-Type", "application/json");
    assertEquals(201, r.statusCode(), r.body());
  }

  @Test
  void missingOrWrongKeyIsRefusedWithAuthCodes() throws Exception {
    long before = rows();
    HttpResponse<String> none = Http.post(suite.gateway() + "/v1/events", EVENT, "Content-Type", "application/json");
    assertProblem(none, 401, "auth.missing_credentials");
    assertTrue(none.headers().firstValue("WWW-Authenticate").isPresent());
    HttpResponse<String> wrong = Http.post(suite.gateway() + "/v1/events", EVENT,
        "Authorization", "Bearer not-the-admin-key-0000000000", "Content-Type", "application/json");
    assertProblem(wrong, 401, "auth.invalid_key");
    assertProblem(Http.get(suite.gateway() + "/v1/events/0"), 401, "auth.missing_credentials");
    assertEquals(before, rows());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"actor\":\"alice\",\"action\":\"user.login\"",                                 // malformed JSON
      "[1,2,3]",                                                                         // not an object
      "{\"actor\":42,\"action\":\"user.login\",\"outcome\":\"success\"}",                // wrong type
      "{\"actor\":\"alice\",\"action\":\"user.login\",\"outcome\":\"success\",\"details\":[1]}",
      "{\"action\":\"user.login\",\"outcome\":\"success\"}",                             // missing actor
      "{\"actor\":\"alice\",\"outcome\":\"success\"}",                                   // missing action
      "{\"actor\":\"alice\",\"action\":\"user.login\",\"outcome\":\"maybe\"}",           // unknown outcome
      "{\"actor\":\"alice\",\"action\":\"User Login\",\"outcome\":\"success\"}",         // bad action
      "{\"actor\":\"alice\",\"action\":\"user.login\",\"outcome\":\"success\",\"index\":7}", // unknown field
      "",
      "null"
  })
  void badInputIsA400ProblemAndNothingIsStored(String body) throws Exception {
    long before = rows();
    HttpResponse<String> r = postEvent(body);
    assertEquals(400, r.statusCode(), r.body());
    JsonObject p = assertProblem(r, 400, null);
    assertTrue(p.getString("code").startsWith("validation."), p.encode());
    assertEquals(before, rows());
  }

  @Test
  void oversizedBodyIs413AndNothingIsStored() throws Exception {
    long before = rows();
    String big = "{\"actor\":\"alice\",\"action\":\"user.login\",\"outcome\":\"success\",\"details\":{\"pad\":\""
        + "x".repeat(1024 * 1024) + "\"}}";
    assertProblem(postEvent(big), 413, "request.too_large");
    assertEquals(before, rows());
  }

  @Test
  void wrongContentTypeIs415() throws Exception {
    long before = rows();
    HttpResponse<String> r = Http.post(suite.gateway() + "/v1/events", EVENT,
        "Authorization", "Bearer " + SuiteHarness.ADMIN_KEY, "Content-Type", "text/plain");
    assertProblem(r, 415, "request.unsupported_media_type");
    assertEquals(before, rows());
  }

  @Test
  void unknownRouteWrongMethodAndMissingEntryAreProblems() {
    assertProblem(Http.get(suite.gateway() + "/v1/nothing-here"), 404, "route.not_found");
    assertProblem(Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(suite.gateway() + "/v1/events")).DELETE(),
        "Authorization", "Bearer " + SuiteHarness.ADMIN_KEY), 405, "route.method_not_allowed");
    HttpResponse<String> wrongOnTemplate = Http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(suite.gateway() + "/v1/events/5")).DELETE(), "Authorization", "Bearer " + SuiteHarness.ADMIN_KEY);
    assertProblem(wrongOnTemplate, 405, "route.method_not_allowed");
    assertEquals("GET", wrongOnTemplate.headers().firstValue("Allow").orElse(""), "a route with a path parameter has its Allow too");
    assertProblem(Http.get(suite.gateway() + "/v1/events/999999", "X-API-Key", SuiteHarness.ADMIN_KEY), 404, "audit.entry_not_found");
    assertProblem(Http.get(suite.gateway() + "/v1/events/-1", "X-API-Key", SuiteHarness.ADMIN_KEY), 400, "validation.failed");
  }

  @Test
  void requestIdIsEchoedOrReplacedAndFollowsTheRequestIntoTheLog() {
    try (LogCapture logs = new LogCapture()) {
      HttpResponse<String> kept = postEvent(EVENT, "x-request-id", "client.req:42-A");
      assertEquals("client.req:42-A", kept.headers().firstValue("x-request-id").orElseThrow());
      // the append is logged from the bus reply callback, after the request left its original handler
      JsonObject line = logs.lines().stream().filter(l -> "audit.appended".equals(l.getString("event")))
          .filter(l -> "client.req:42-A".equals(l.getString("requestId"))).findFirst()
          .orElseThrow(() -> new AssertionError("no log line with the request id:\n" + logs.raw()));
      assertEquals("gateway", line.getString("service"));
      assertEquals("INFO", line.getString("level"));
      assertTrue(line.getString("message").startsWith("event appended"));
      // the access line is written once the response has gone out, which can be just after the client read it
      JsonObject access = null;
      for (long end = System.nanoTime() + 2_000_000_000L; access == null && System.nanoTime() < end; Http.sleep(20)) {
        access = logs.lines().stream().filter(l -> "http.request".equals(l.getString("event")))
            .filter(l -> "client.req:42-A".equals(l.getString("requestId"))).findFirst().orElse(null);
      }
      assertTrue(access != null, "no access log line:\n" + logs.raw());
      assertEquals(201, access.getInteger("status"));
      assertEquals("/v1/events", access.getString("route"));
      assertEquals("POST", access.getString("method"));
      assertTrue(!logs.raw().contains(SuiteHarness.ADMIN_KEY), "a log line contains the admin key");
    }
    for (String bad : List.of("has space", "x".repeat(129), "semi;colon", "ünïcode")) {
      HttpResponse<String> r = Http.get(suite.gateway() + "/v1/nothing", "x-request-id", bad);
      String id = r.headers().firstValue("x-request-id").orElseThrow();
      assertNotEquals(bad, id);
      assertTrue(id.matches("[A-Za-z0-9._:-]{1,128}"), id);
      assertEquals(id, Http.json(r).getString("requestId"));
    }
    HttpResponse<String> err = Http.get(suite.gateway() + "/v1/nothing", "x-request-id", "trace-me-7");
    assertEquals("trace-me-7", Http.json(err).getString("requestId"));
  }

  static JsonObject assertProblem(HttpResponse<String> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
    JsonObject p = new JsonObject(r.body());
    if (code != null) {
      assertEquals(code, p.getString("code"), p.encode());
    }
    assertEquals(status, p.getInteger("status"));
    assertTrue(p.getString("title") != null && p.getString("detail") != null && p.getString("type") != null, p.encode());
    assertEquals(r.headers().firstValue("x-request-id").orElseThrow(), p.getString("requestId"));
    return p;
  }
}
