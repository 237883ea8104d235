package io.bulwark.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.LogCapture;
import io.bulwark.shared.test.TestPostgres;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy against real upstream servers on loopback: what reaches the upstream, what the client gets back, and how
 * timeouts, dead upstreams, retries, the circuit breaker and routes-file reloads show to a client.
 */
class UpstreamProxyIT {
  private Vertx vertx;
  private PrometheusMeterRegistry registry;
  private TestUpstream echo;
  private TestUpstream second;
  private TestGateway gateway;
  private int deadPort;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    echo = TestUpstream.start(vertx);
    second = TestUpstream.start(vertx);
    deadPort = TestPostgres.freePort();
    String e = "http://127.0.0.1:" + echo.port();
    String s = "http://127.0.0.1:" + second.port();
    String dead = "http://127.0.0.1:" + deadPort;
    String yaml = """
        routes:
          - {id: echo, path: /echo, upstream: "%1$s"}
          - {id: api, path: /api, upstream: "%1$s/base/", stripPrefix: true}
          - {id: plain, path: /plain, upstream: "%1$s/v1"}
          - {id: get-only, path: /readonly, upstream: "%1$s", methods: [GET, HEAD]}
          - {id: slow, path: /slow, upstream: "%1$s", timeout: 300ms}
          - {id: dead, path: /dead, upstream: "%3$s"}
          - {id: gone, path: /gone, upstream: "%3$s", circuitBreaker: {enabled: false}}
          - {id: flaky, path: /flaky, upstreams: ["%3$s", "%1$s"], retries: 1, circuitBreaker: {enabled: false}}
          - {id: busy, path: /busy, upstreams: ["%1$s", "%2$s"], retries: 2, circuitBreaker: {enabled: false}}
          - {id: patient, path: /patient, upstream: "%1$s", timeout: 10s,
             circuitBreaker: {minimumCalls: 2, windowSize: 2, failureRatePercent: 50, openFor: 30s, halfOpenCalls: 1}}
          - id: fragile
            path: /fragile
            upstream: "%2$s"
            circuitBreaker: {minimumCalls: 4, windowSize: 4, failureRatePercent: 50, openFor: 2s, halfOpenCalls: 2}
        """.formatted(e, s, dead);
    gateway = TestGateway.start(vertx, registry, RouteFile.fixed(RouteTable.parse(yaml, "routes.yaml", p -> true)));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void credentialsAndHopByHopHeadersStayAtTheGateway() throws Exception {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Authorization", TestGateway.TENANT_TOKEN)
        .add("X-API-Key", "bwk_live_abcdefghijklmnopqrstuvwxyz")
        .add("X-Bulwark-Tenant", "someone-else")
        .add("X-Bulwark-Admin", "true")
        .add("X-Forwarded-For", "203.0.113.9")
        .add("Connection", "keep-alive, X-Hop")
        .add("X-Hop", "1")
        .add("Keep-Alive", "timeout=5")
        .add("Proxy-Authorization", "Basic c2VjcmV0")
        .add("X-Custom", "kept");
    TestGateway.Answer a = gateway.call(HttpMethod.GET, "/echo/x?q=1", headers, null);

    assertEquals(200, a.status(), a.body()::toString);
    for (String gone : new String[] {"authorization", "x-api-key", "x-bulwark-admin", "x-hop", "keep-alive",
        "proxy-authorization"}) {
      assertNull(a.upstreamHeader(gone), gone + " reached the upstream: " + a.upstreamHeaders());
    }
    assertEquals("acme", a.upstreamHeader("x-bulwark-tenant"), "the gateway's word on the tenant, not the client's");
    assertEquals("key-7", a.upstreamHeader("x-bulwark-key-id"));
    assertEquals("kept", a.upstreamHeader("x-custom"));
    assertEquals(a.headers().get("x-request-id"), a.upstreamHeader("x-request-id"));
    assertEquals("203.0.113.9, 127.0.0.1", a.upstreamHeader("x-forwarded-for"));
    assertEquals("http", a.upstreamHeader("x-forwarded-proto"));
    assertEquals("127.0.0.1:" + gateway.port(), a.upstreamHeader("x-forwarded-host"));
    assertEquals("127.0.0.1:" + echo.port(), a.upstreamHeader("host"));

    assertEquals("echo", a.headers().get("X-Upstream"));
    assertNull(a.headers().get("X-Up-Hop"), "a header the upstream's Connection named is hop-by-hop");
    assertNull(a.headers().get("Keep-Alive"));
    assertNull(a.headers().get("Proxy-Authenticate"));
    assertEquals(1, a.headers().getAll("x-request-id").size(), "only the gateway's request id: " + a.headers());
  }

  @Test
  void anAnonymousCallerCannotClaimATenant() throws Exception {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("X-Bulwark-Tenant", "acme").add("X-Bulwark-Key-Id", "k");
    TestGateway.Answer a = gateway.call(HttpMethod.GET, "/echo", headers, null);
    assertEquals(200, a.status());
    assertNull(a.upstreamHeader("x-bulwark-tenant"));
    assertNull(a.upstreamHeader("x-bulwark-key-id"));
    assertEquals("127.0.0.1", a.upstreamHeader("x-forwarded-for"));
  }

  @Test
  void pathsArePrefixStrippedAndJoinedOntoTheBasePath() throws Exception {
    assertEquals("/base/orders/1?x=1&y=a%20b", gateway.get("/api/orders/1?x=1&y=a%20b").json().getString("uri"));
    assertEquals("/base/", gateway.get("/api").json().getString("uri"));
    assertEquals("/v1/plain/z?k=v", gateway.get("/plain/z?k=v").json().getString("uri"));
    assertEquals("/echo/a/b", gateway.get("/echo/a/b").json().getString("uri"));
    assertEquals(404, gateway.get("/apix").status(), "/api must not cover /apix");
  }

  @Test
  void theRequestBodyAndMethodArePassedOn() throws Exception {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json");
    TestGateway.Answer a = gateway.call(HttpMethod.PUT, "/echo/items/9", headers, "{\"name\":\"widget\"}");
    assertEquals(200, a.status());
    assertEquals("PUT", a.json().getString("method"));
    assertEquals("{\"name\":\"widget\"}", a.json().getString("body"));
    assertEquals("application/json", a.upstreamHeader("content-type"));
    assertEquals("17", a.upstreamHeader("content-length"));
  }

  @Test
  void unknownPathsAndMethodsAreAnsweredByTheGateway() throws Exception {
    TestGateway.Answer missing = gateway.get("/nowhere");
    assertEquals(404, missing.status());
    assertEquals("route.not_found", missing.json().getString("code"));
    TestGateway.Answer wrong = gateway.call(HttpMethod.POST, "/readonly/x", MultiMap.caseInsensitiveMultiMap(), "{}");
    assertEquals(405, wrong.status());
    assertEquals("route.method_not_allowed", wrong.json().getString("code"));
    assertEquals("GET, HEAD", wrong.headers().get("Allow"));
    assertEquals(0, echo.hits.get(), "neither reached the upstream");
  }

  @Test
  void aSlowUpstreamIsCutOffAtTheRouteTimeout() throws Exception {
    long start = System.nanoTime();
    TestGateway.Answer a = gateway.get("/slow/slow?ms=10000");
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(504, a.status(), a.body()::toString);
    assertEquals("upstream.timeout", a.json().getString("code"));
    assertTrue(ms < 5000, "answered after " + ms + " ms; the upstream would have taken 10 s");
    assertEquals(1.0, registry.get(UpstreamProxy.DURATION).tags("route", "slow", "outcome", "timeout").timer().count());
  }

  @Test
  void aRefusedConnectionIsABadGateway() throws Exception {
    TestGateway.Answer a = gateway.get("/dead/x");
    assertEquals(502, a.status(), a.body()::toString);
    assertEquals("upstream.unavailable", a.json().getString("code"));
    assertFalse(a.body().toString().contains(Integer.toString(deadPort)), "no upstream address leaks to the client");
    assertEquals(1.0, registry.get(UpstreamProxy.DURATION).tags("route", "dead", "outcome", "unavailable").timer().count());
  }

  @Test
  void anUpstreamOutageIsOneLogLineNotOnePerRequest() throws Exception {
    try (io.bulwark.shared.test.LogCapture logs = new io.bulwark.shared.test.LogCapture()) {
      for (int i = 0; i < 20; i++) {
        assertEquals(502, gateway.get("/gone/x").status());
      }
      long lines = logs.lines().stream().filter(l -> "upstream call failed".equals(l.getString("message"))
          && "gone".equals(l.getString("route"))).count();
      assertEquals(1, lines, "one line for twenty failures within the interval");
      assertEquals(20.0, registry.get(UpstreamProxy.DURATION).tags("route", "gone", "outcome", "unavailable").timer().count());
    }
  }

  @Test
  void aGetIsRetriedOnTheNextUpstream() throws Exception {
    TestGateway.Answer a = gateway.get("/flaky/x");
    assertEquals(200, a.status(), a.body()::toString);
    assertEquals(1, echo.hits.get());
    assertEquals(1.0, registry.get(UpstreamProxy.RETRIES).tag("route", "flaky").counter().count());
  }

  @Test
  void onlyIdempotentMethodsAreRetried() throws Exception {
    echo.failWith = 503;
    second.failWith = 503;
    TestGateway.Answer get = gateway.get("/busy/x");
    assertEquals(503, get.status(), "the last upstream answer is the client's answer");
    assertEquals("upstream says 503", get.body().toString());
    assertEquals(3, echo.hits.get() + second.hits.get(), "one call and two retries, alternating upstreams");
    assertEquals(2, echo.hits.get());

    TestGateway.Answer post = gateway.call(HttpMethod.POST, "/busy/x", MultiMap.caseInsensitiveMultiMap(), "{}");
    assertEquals(503, post.status());
    assertEquals(4, echo.hits.get() + second.hits.get(), "a POST is sent once, even with retries configured");
  }

  @Test
  void theCircuitOpensOnFailuresAndClosesOnceTheUpstreamRecovers() throws Exception {
    second.failWith = 500;
    for (int i = 0; i < 4; i++) {
      assertEquals(500, gateway.get("/fragile/x").status());
    }
    assertEquals(1.0, circuitState("fragile"), "open after 4 of 4 calls failed");

    TestGateway.Answer refused = gateway.get("/fragile/x");
    assertEquals(503, refused.status());
    assertEquals("upstream.circuit_open", refused.json().getString("code"));
    long retryAfter = Long.parseLong(refused.headers().get("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After within openFor, got " + retryAfter);
    assertEquals(4, second.hits.get(), "an open circuit does not contact the upstream");

    second.failWith = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    TestGateway.Answer a = gateway.get("/fragile/x");
    while (a.status() == 503 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      a = gateway.get("/fragile/x");
    }
    assertEquals(200, a.status(), "a trial call goes through once openFor has passed");
    assertEquals(2.0, circuitState("fragile"), "half-open until the second trial call");
    assertEquals(200, gateway.get("/fragile/x").status());
    assertEquals(0.0, circuitState("fragile"), "closed after two good trial calls");
    assertEquals(6, second.hits.get());
    assertEquals(0.0, circuitState("echo"), "other routes keep their own circuit");
  }

  @Test
  void clientsThatLeaveEarlyDoNotCountAgainstTheUpstream() throws Exception {
    for (int i = 1; i <= 3; i++) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", gateway.port())) {
        s.getOutputStream().write("GET /patient/slow?ms=3000 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        int started = i;
        await(() -> echo.slowStarted.get() == started, "the slow request reached the upstream");
      }
    }
    await(() -> registry.find(UpstreamProxy.DURATION).tags("route", "patient", "outcome", "client_gone").timer() != null
        && registry.get(UpstreamProxy.DURATION).tags("route", "patient", "outcome", "client_gone").timer().count() == 3,
        "three calls abandoned because their clients left");
    assertEquals(0.0, registry.get(UpstreamProxy.CIRCUIT_STATE).tag("route", "patient").gauge().value(), "the circuit stays closed");
    assertEquals(200, gateway.get("/patient/x").status(), "the upstream is still called");
  }

  @Test
  void aLargeAnswerIsStreamedIntact() throws Exception {
    int size = 5 * 1024 * 1024;
    TestGateway.Answer a = gateway.get("/echo/big?bytes=" + size);
    assertEquals(200, a.status());
    byte[] expected = new byte[size];
    for (int i = 0; i < size; i++) {
      expected[i] = TestUpstream.patternAt(i);
    }
    assertArrayEquals(expected, a.body().getBytes());
    assertNull(a.headers().get("Content-Length"), "streamed as the upstream sent it, not buffered to a length");
  }

  @Test
  void aValidRoutesFileChangeIsServedWhileInFlightRequestsFinish(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("routes.yaml");
    write(file, "routes:\n  - {id: old, path: /old, upstream: \"" + echo.uri("") + "\", auth: none}\n");
    RouteFile routes = load(file);
    TestGateway gw = TestGateway.start(vertx, registry, routes);
    var inFlight = gw.callAsync(HttpMethod.GET, "/old/slow?ms=3000", MultiMap.caseInsensitiveMultiMap(), null);
    await(() -> echo.slowStarted.get() == 1, "the slow request reached the upstream");

    write(file, "routes:\n  - {id: new, path: /new, upstream: \"" + echo.uri("/v2") + "\", auth: none}\n");
    await(() -> gw.get("/new/x").status() == 200, "the new route is served");
    assertEquals("/v2/new/x", gw.get("/new/x").json().getString("uri"));
    assertEquals(404, gw.get("/old/x").status(), "the removed route is gone");
    TestGateway.Answer slow = inFlight.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(200, slow.status(), "a request on the old route finished on the old route");
    assertEquals("slow done", slow.body().toString());
    assertTrue(registry.scrape().contains("bulwark_gateway_route_reloads_total{result=\"applied\"} 1.0"),
        registry::scrape);
    assertEquals(1.0, registry.get(RouteFile.ROUTES).gauge().value());
    routes.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void anInvalidRoutesFileChangeKeepsTheOldRoutes(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("routes.yaml");
    write(file, "routes:\n  - {id: old, path: /old, upstream: \"" + echo.uri("") + "\"}\n");
    RouteFile routes = load(file);
    TestGateway gw = TestGateway.start(vertx, registry, routes);
    try (LogCapture logs = new LogCapture()) {
      write(file, "routes:\n  - {id: old, path: /old, upstream: \"" + echo.uri("") + "\", timeout: forever}\n");
      await(() -> registry.get(RouteFile.RELOADS).tag("result", "rejected").counter().count() == 1.0, "rejected");
      Thread.sleep(500); // five more polls of the same bad file
      assertEquals(200, gw.get("/old/x").status(), "the old route still serves");
      List<JsonObject> warnings = logs.lines().stream().filter(l -> "WARN".equals(l.getString("level"))
          && l.getString("message", "").startsWith("routes file rejected")).toList();
      assertEquals(1, warnings.size(), "one warning per bad version, not one per poll: " + warnings);
      assertTrue(warnings.get(0).encode().contains("routes[0] (old).timeout: must be a duration"), warnings.get(0)::encode);
      assertEquals(0.0, registry.get(RouteFile.LAST_RELOAD_OK).gauge().value());
      assertEquals(1.0, registry.get(RouteFile.RELOADS).tag("result", "rejected").counter().count());
    }
    Files.delete(file);
    await(() -> registry.get(RouteFile.RELOADS).tag("result", "rejected").counter().count() == 2.0, "missing file");
    assertEquals(200, gw.get("/old/x").status(), "a missing file keeps the old routes too");
    routes.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void theGatewayRefusesToStartOnAnInvalidRoutesFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("routes.json");
    write(file, "{\"routes\": [{\"id\": \"a\", \"path\": \"/a\", \"upstream\": \"http://h:1\", \"retries\": 9}]}");
    var loaded = RouteFile.load(vertx, file, p -> true, registry, 100);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> loaded.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof RouteFileException, e::toString);
    assertTrue(e.getCause().getMessage().contains("routes[0] (a).retries: must be a whole number from 0 to 5"),
        e.getCause()::getMessage);
    var missing = RouteFile.load(vertx, dir.resolve("absent.yaml"), p -> true, registry, 100);
    assertThrows(ExecutionException.class, () -> missing.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
  }

  private RouteFile load(Path file) throws Exception {
    return RouteFile.load(vertx, file, p -> true, registry, 100).toCompletionStage().toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  /** Replaces the file the way editors and ConfigMap updates do: a new file renamed over the old one. */
  private static void write(Path file, String content) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static void await(Check check, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!check.ok()) {
      assertTrue(System.nanoTime() < deadline, "gave up waiting: " + what);
      Thread.sleep(50);
    }
  }

  private double circuitState(String route) {
    Gauge g = registry.find(UpstreamProxy.CIRCUIT_STATE).tag("route", route).gauge();
    assertTrue(g != null, "no circuit gauge for " + route);
    return g.value();
  }
}
