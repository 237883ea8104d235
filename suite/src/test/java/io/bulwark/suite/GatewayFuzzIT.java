package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.Http;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed requests across every gateway endpoint — bad JSON, wrong types, huge headers and bodies, path traversal,
 * SQL fragments, invalid ids, odd methods and credentials, and raw bytes that are not HTTP at all. Not one answer may
 * be 5xx, and every error must be problem+json with a code and the request id. The seed is printed and can be set
 * with {@code -Dfuzz.seed=N}.
 */
class GatewayFuzzIT {
  static final int REQUESTS = 10_000;
  private static final String[] NASTY = {"../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "' OR '1'='1", "1;DROP TABLE gateway.tenants--",
      "-1", "99999999999999999999999", "0x1F", "1e3", "%00", "%ff%fe", "\u00e9\u00e8", "%F0%9F%98%80", "null", "{}", "[]", "true",
      "k_' OR 1=1", "a".repeat(3000), "%20", "%0d%0aX-Injected:%201", "$(id)", "<script>", "\\x00", "NaN", "Infinity", "k_",
      "k_000000000000", "acme", "Ac-Me", "-", "_", "%"};
  private static final String[] BODIES = {"", "{", "}", "[]", "null", "1", "\"str\"", "{\"id\":1}", "{\"id\":null}", "{\"id\":[]}",
      "{\"id\":{\"$ne\":1}}", "{\"name\":\"" + "x".repeat(5000) + "\"}", "{\"scopes\":\"read\"}", "{\"scopes\":[1,2]}",
      "{\"scopes\":[\"READ ALL\"]}", "{\"graceSeconds\":\"1\"}", "{\"graceSeconds\":1e308}", "{\"graceSeconds\":-5}",
      "{\"expiresInSeconds\":0.5}", "{\"actor\":1,\"action\":2}", "{\"actor\":\"a\",\"action\":\"UPPER\",\"outcome\":\"x\"}",
      "{\"actor\":\"a\",\"action\":\"a.b\",\"outcome\":\"success\",\"details\":{\"n\":12345678901234567890}}",
      "{\"actor\":\"a\",\"action\":\"a.b\",\"outcome\":\"success\",\"details\":\"str\"}", "{\"reason\":\"\\u0000\"}",
      "{\"a\":" + "[".repeat(3000) + "]".repeat(3000) + "}", "\u0000\u0001\u0002", "{\"id\":\"acme\",\"id\":\"dup\"}",
      "{\"id\":\"tenant-" + "9".repeat(80) + "\"}", "\ufeff{}", "{'single':'quotes'}",
      "{\"accessCode\":\"" + OperationsApiIT.REGULATOR_CODE + "\"}", "{\"accessCode\":\"guess\"}", "{\"accessCode\":null}",
      "{\"accessCode\":\"" + "c".repeat(300) + "\"}", "{\"accessCode\":[\"a\"]}", "{\"tenant\":\"acme\"}",
      "{\"tenant\":\"acme\",\"tag\":\"INC-1\"}", "{\"tenant\":\"acme\",\"from\":5,\"to\":2}", "{\"tag\":\"bad tag\"}",
      "{\"tenant\":\"acme\",\"to\":999999999}", "{\"tenant\":7}", "{\"from\":-1}", "{\"database\":\"bulwark_restore\"}",
      "{\"database\":\"Bad-Name\"}", "{\"database\":\"bulwark\"}"};
  private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "FOO"};
  /**
   * A request whose head is valid but whose body framing is not (chunked and a length, then a bad chunk): the head was
   * already routed when the body turns out unreadable, so the codec closes the connection without an answer. That is
   * the safe answer to a smuggling attempt; the test requires the close, promptly.
   */
  private static final String BROKEN_FRAMING =
      "POST /v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nzz\r\n";
  private static SuiteHarness suite;
  private static String tenantKey;
  private static String regulatorToken;

  /**
   * Templates of every route the gateway serves; {id}, {key}, {n} and {backup} are replaced by good or nasty values.
   * No "wait" query parameter: wait=true on a backup run would hold the request for the whole run.
   */
  static final String[][] ROUTES = {
      {"POST", "/v1/events"}, {"GET", "/v1/events/{n}"}, {"GET", "/v1/audit/entries"}, {"GET", "/v1/audit/checkpoint"},
      {"GET", "/v1/audit/keys"}, {"GET", "/v1/audit/proof/{n}"}, {"GET", "/v1/audit/consistency"}, {"GET", "/v1/audit/export"},
      {"GET", "/v1/audit/export.csv"}, {"GET", "/v1/audit/verify"}, {"GET", "/v1/audit/retention"},
      {"POST", "/v1/audit/retention/pause"}, {"POST", "/v1/audit/retention/resume"},
      {"POST", "/admin/tenants"}, {"GET", "/admin/tenants"}, {"GET", "/admin/tenants/{id}"}, {"POST", "/admin/tenants/{id}/suspend"},
      {"POST", "/admin/tenants/{id}/resume"}, {"POST", "/admin/tenants/{id}/keys"}, {"GET", "/admin/tenants/{id}/keys"},
      {"DELETE", "/admin/tenants/{id}/keys/{key}"}, {"POST", "/admin/tenants/{id}/keys/{key}/replace"},
      {"GET", "/health/detailed"}, {"GET", "/compliance/report"}, {"POST", "/compliance/evidence"},
      {"GET", "/compliance/evidence"}, {"GET", "/compliance/evidence/{id}"}, {"GET", "/admin/export/{id}"},
      {"GET", "/regulator/health"}, {"POST", "/regulator/login"}, {"GET", "/regulator/session"}, {"GET", "/regulator/report"},
      {"GET", "/regulator/evidence"}, {"GET", "/regulator/evidence/{id}"}, {"GET", "/regulator/checkpoint"},
      {"GET", "/regulator/keys"}, {"DELETE", "/admin/regulator/sessions"},
      {"GET", "/admin/backups"}, {"POST", "/admin/backups"}, {"GET", "/admin/backups/{backup}"},
      {"POST", "/admin/backups/{backup}/verify"}, {"POST", "/admin/backups/{backup}/drill"},
      {"POST", "/admin/backups/{backup}/restore"},
      {"GET", "/alerts"}, {"GET", "/alerts/{alert}"}, {"POST", "/alerts/{alert}/ack"}, {"POST", "/alerts/{alert}/resolve"},
      {"GET", "/alerts/silences"}, {"POST", "/alerts/silences"}, {"DELETE", "/alerts/silences/{alert}"},
      {"GET", "/admin/notifications"}, {"POST", "/admin/notifications/pause"}, {"POST", "/admin/notifications/resume"},
      {"POST", "/admin/notifications/clean"}, {"POST", "/admin/notifications/redrive"},
      {"GET", "/api-docs"}, {"GET", "/api-docs/ui"},
      {"GET", "/api-docs/ui/{id}"},
      {"GET", "/api/{id}"}, {"POST", "/api/{id}/{key}"}, {"DELETE", "/api/{n}"}, {"GET", "/open/{id}"},
      {"GET", "/nowhere/{id}"}, {"GET", "/{id}"}};
  private static final String[] QUERY_NAMES = {"tenant", "from", "to", "limit", "cursor", "size", "status", "after", "action",
      "actor", "requestId", "x", "limit[]", "__proto__", "state", "severity", "label", "active"};

  private static TestUpstream upstream;

  @BeforeAll
  static void start(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    upstream = new TestUpstream();
    java.nio.file.Path routes = dir.resolve("routes.yaml");
    java.nio.file.Files.writeString(routes, "routes:\n"
        + "  - {id: api, path: /api, upstream: \"" + upstream.url() + "\", scopes: [read], rateLimit: [fuzz], stripPrefix: true}\n"
        + "  - {id: open, path: /open, upstream: \"" + upstream.url() + "\", auth: [none], timeout: 2s}\n");
    suite = new SuiteHarness("gateway_fuzz", Map.of("BULWARK_AUTH_FAILURE_LIMIT", "10000", "BULWARK_ROUTES_FILE", routes.toString(),
        "REDIS_URL", io.bulwark.shared.test.TestRedis.url(),
        "BULWARK_RATE_LIMITS", "{\"fuzz\":{\"limit\":100000,\"period\":\"1s\",\"scope\":\"tenant\"}}",
        "BULWARK_REGULATOR_ACCESS_CODES", "fca:" + OperationsApiIT.sha256Hex(OperationsApiIT.REGULATOR_CODE)));
    Tenants.create(suite.gateway(), "acme");
    tenantKey = Tenants.issue(suite.gateway(), "acme", "read", "write", "audit:read", "audit:write").getString("secret");
    HttpResponse<String> login = Http.post(suite.gateway() + "/regulator/login",
        "{\"accessCode\":\"" + OperationsApiIT.REGULATOR_CODE + "\"}", "Content-Type", "application/json");
    assertEquals(200, login.statusCode(), login.body());
    regulatorToken = new JsonObject(login.body()).getString("token");
  }

  @AfterAll
  static void stop() throws Exception {
    suite.close();
    upstream.close();
  }

  @Test
  void tenThousandMalformedRequestsGetNoServerError() throws Exception {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    System.out.println("gateway fuzz seed " + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
    Random random = new Random(seed);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    Semaphore inFlight = new Semaphore(16);
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    List<CompletableFuture<?>> all = new ArrayList<>();
    List<String> slow = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < REQUESTS; i++) {
      HttpRequest request = request(random);
      inFlight.acquire();
      long sent = System.nanoTime();
      all.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((r, err) -> {
        inFlight.release();
        long ms = (System.nanoTime() - sent) / 1_000_000;
        if (ms > 1000) {
          slow.add(ms + " ms " + request.method() + " " + abbreviate(request.uri().toString()) + " -> " + (r == null ? err : r.statusCode()));
        }
        String what = request.method() + " " + abbreviate(request.uri().toString()) + " (body "
            + request.bodyPublisher().map(HttpRequest.BodyPublisher::contentLength).orElse(0L) + " bytes, headers "
            + request.headers().map().keySet() + ")";
        if (err != null) {
          failures.add(what + " -> no answer: " + err);
          return null;
        }
        statuses.computeIfAbsent(r.statusCode(), s -> new AtomicInteger()).incrementAndGet();
        String problem = check(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
            r.headers().firstValue("x-request-id").orElse(null), r.body(), "HEAD".equals(request.method()));
        if (problem != null) {
          failures.add(what + " -> " + r.statusCode() + ": " + problem);
        }
        return null;
      }));
    }
    CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get();
    int raw = rawGarbage(random, failures, statuses);
    System.out.println("gateway fuzz: " + (REQUESTS + raw) + " requests, statuses " + new TreeMap<>(statuses) + "; slower than 1 s: "
        + slow.size() + " " + slow.subList(0, Math.min(10, slow.size())));
    assertTrue(failures.isEmpty(), failures.size() + " bad answers, first: " + failures.subList(0, Math.min(20, failures.size())));
    assertEquals(0, statuses.keySet().stream().filter(s -> s >= 500).count());
    // the gateway is still healthy after all that (the fuzz may have suspended the tenant, so ask as admin)
    assertEquals(200, Tenants.getWith(suite.gateway() + "/v1/audit/entries", SuiteHarness.ADMIN_KEY).statusCode());
  }

  /** Null when the answer is acceptable, else what is wrong with it. */
  static String check(int status, String contentType, String requestId, String body, boolean head) {
    if (status >= 500) {
      return "server error " + abbreviate(body);
    }
    if (requestId == null) {
      return "no x-request-id";
    }
    if (status < 400 || head) {
      return null;
    }
    if (!contentType.startsWith("application/problem+json")) {
      return "error without problem+json: " + contentType;
    }
    JsonObject p;
    try {
      p = new JsonObject(body);
    } catch (RuntimeException e) {
      return "problem body is not JSON";
    }
    if (p.getString("code") == null || !requestId.equals(p.getString("requestId"))) {
      return "problem without code or request id: " + abbreviate(body);
    }
    return null;
  }

  private static HttpRequest request(Random random) {
    String[] route = ROUTES[random.nextInt(ROUTES.length)];
    String method = random.nextInt(4) == 0 ? METHODS[random.nextInt(METHODS.length)] : route[0];
    String path = route[1].replace("{id}", pick(random, "acme", NASTY)).replace("{key}", pick(random, "k_abcdefghijkl", NASTY))
        .replace("{n}", pick(random, Integer.toString(random.nextInt(50)), NASTY))
        .replace("{backup}", pick(random, "b-20260101T021500Z-3f9a", NASTY))
        .replace("{alert}", pick(random, "3f2b8c1e-9a4d-4e7f-b6a1-0c5d2e8f9a7b", NASTY));
    StringBuilder q = new StringBuilder();
    int params = random.nextInt(3) == 0 ? random.nextInt(4) : 0;
    for (int i = 0; i < params; i++) {
      q.append(i == 0 ? '?' : '&').append(QUERY_NAMES[random.nextInt(QUERY_NAMES.length)]).append('=')
          .append(pick(random, Integer.toString(random.nextInt(100)), NASTY));
    }
    URI uri;
    try {
      uri = URI.create(suite.gateway() + path.replace(" ", "%20").replace("\\", "%5C").replace("'", "%27").replace("<", "%3C")
          .replace("$", "%24").replace("{", "%7B").replace("}", "%7D").replace("[", "%5B").replace("]", "%5D")
          + q.toString().replace(" ", "%20").replace("'", "%27").replace("<", "%3C").replace("{", "%7B").replace("}", "%7D")
          .replace("[", "%5B").replace("]", "%5D").replace("\\", "%5C").replace("$", "%24"));
    } catch (IllegalArgumentException e) {
      uri = URI.create(suite.gateway() + "/v1/events/%25");
    }
    String body = BODIES[random.nextInt(BODIES.length)];
    if (random.nextInt(40) == 0) {
      body = "{\"pad\":\"" + "z".repeat(2_000_000) + "\"}";
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
    b.method(method, "GET".equals(method) || "HEAD".equals(method) || body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
    switch (random.nextInt(7)) {
      case 0 -> { }
      case 6 -> b.header("Authorization", "Bearer " + pick(random, regulatorToken, new String[] {"bwr_", "bwr_" + "A".repeat(43),
          "bwr_" + "x".repeat(200), "bwr_%00"}));
      case 1 -> b.header("Authorization", "Bearer " + SuiteHarness.ADMIN_KEY);
      case 2 -> b.header("X-API-Key", tenantKey);
      case 3 -> b.header("Authorization", pick(random, "Bearer", new String[] {"Basic Zm9vOmJhcg==", "Bearer ", "Bearer a.b.c",
          "Bearer eyJhbGciOiJub25lIn0.e30.", "bearer " + "x".repeat(4000), "Bearer bwt_aaaaaaaaaaaa_" + "B".repeat(43)}));
      case 4 -> b.header("X-API-Key", pick(random, "k", NASTY).replace("\r", "").replace("\n", "").replace("\u0000", ""));
      default -> b.header("Authorization", "Bearer " + tenantKey);
    }
    int headerKind = random.nextInt(12);
    if (headerKind == 0) {
      b.header("X-Huge", "h".repeat(20_000));
    } else if (headerKind == 1) {
      for (int i = 0; i < 120; i++) {
        b.header("X-Many-" + i, "v".repeat(60));
      }
    } else if (headerKind == 2) {
      b.header("X-Forwarded-For", pick(random, "1.2.3.4", NASTY).replace("\r", "").replace("\n", "").replace("\u0000", ""));
    }
    if (random.nextBoolean()) {
      b.header("Content-Type", pick(random, "application/json", new String[] {"text/plain", "application/xml", "application/json; charset=latin1",
          "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"}));
    }
    if (random.nextInt(10) == 0) {
      b.header("Idempotency-Key", pick(random, "idem-key-0001", NASTY).replace("\r", "").replace("\n", "").replace("\u0000", ""));
    }
    if (random.nextInt(15) == 0) {
      b.header("x-request-id", pick(random, "rid-" + random.nextInt(), NASTY).replace("\r", "").replace("\n", "").replace("\u0000", ""));
    }
    return b.build();
  }

  /** Bytes that are not valid HTTP; each answer must still be a problem with a request id, never a 5xx. */
  private static int rawGarbage(Random random, List<String> failures, Map<Integer, AtomicInteger> statuses) throws IOException {
    String[] lines = {"GET /%%%zz HTTP/1.1\r\nHost: x\r\n\r\n", "GET / HTTP/1.1\r\nNoColonHeader\r\n\r\n",
        "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", "GET /v1/events/%zz HTTP/1.1\r\nHost: x\r\n\r\n", "GARBAGE\r\n\r\n", "GET\r\n\r\n",
        "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 
        "GET / HTTP/1.1\r\nHost: x\r\nX: " + "y".repeat(20_000) + "\r\n\r\n",
        BROKEN_FRAMING};
    int port = URI.create(suite.gateway()).getPort();
    int sent = 0;
    for (int i = 0; i < 200; i++) {
      String line = lines[random.nextInt(lines.length)];
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(5000);
        OutputStream out = s.getOutputStream();
        out.write(line.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = s.getInputStream();
        String answer = readAnswer(in);
        sent++;
        String problem = line.equals(BROKEN_FRAMING) && answer.isEmpty() ? null : rawCheck(answer, statuses);
        if (problem != null) {
          failures.add("raw " + abbreviate(line) + " -> " + problem + ": " + abbreviate(answer));
        }
      } catch (java.net.SocketTimeoutException e) {
        failures.add("raw " + abbreviate(line) + " -> no answer within 5 s");
      }
    }
    return sent;
  }

  /** One HTTP answer: the head up to the blank line, then Content-Length bytes of body (the connection may stay open). */
  private static String readAnswer(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      head.append((char) c);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    int length = 0;
    for (String h : head.toString().split("\r\n")) {
      if (h.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(h.substring(15).trim());
      }
    }
    return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
  }

  private static String rawCheck(String answer, Map<Integer, AtomicInteger> statuses) {
    if (!answer.startsWith("HTTP/1.")) {
      return answer.isEmpty() ? "connection closed without an answer" : "not an HTTP answer";
    }
    int status = Integer.parseInt(answer.substring(9, 12));
    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
    int split = answer.indexOf("\r\n\r\n");
    String head = answer.substring(0, Math.max(0, split)).toLowerCase();
    String body = split < 0 ? "" : answer.substring(split + 4);
    String rid = null;
    String type = "";
    for (String h : head.split("\r\n")) {
      if (h.startsWith("x-request-id:")) {
        rid = h.substring(13).trim();
      } else if (h.startsWith("content-type:")) {
        type = h.substring(13).trim();
      }
    }
    return check(status, type, rid, body, false);
  }

  private static String pick(Random random, String good, String[] bad) {
    return random.nextInt(3) == 0 ? bad[random.nextInt(bad.length)] : good;
  }

  private static String abbreviate(String s) {
    return s.length() > 160 ? s.substring(0, 160) + "..." : s;
  }
}
