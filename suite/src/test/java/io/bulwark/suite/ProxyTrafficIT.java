package io.bulwark.suite;

import static io.bulwark.suite.EventSliceIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.RedisProcess;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The traffic path end to end in the suite: a route from the routes file, authenticated with a tenant key, limited
 * through a Redis of the test's own, forwarded to a real upstream; then Redis stopped and started again.
 */
class ProxyTrafficIT {
  @TempDir
  static Path dir;
  private static TestUpstream upstream;
  private static RedisProcess redis;
  private static SuiteHarness suite;
  private static Path routes;
  private static String reader;

  @BeforeAll
  static void start() throws Exception {
    upstream = new TestUpstream();
    redis = new RedisProcess().start();
    routes = dir.resolve("routes.yaml");
    writeRoutes("");
    suite = new SuiteHarness("proxy_traffic", Map.of("BULWARK_ROUTES_FILE", routes.toString(), "BULWARK_ROUTES_POLL_MS", "200",
        "REDIS_URL", redis.url(), "BULWARK_RATE_LIMIT_PROBE_MS", "200", "BULWARK_RATE_LIMIT_LOG_INTERVAL_MS", "1000",
        "BULWARK_RATE_LIMITS", "{\"small\":{\"limit\":5,\"period\":\"1h\",\"scope\":\"key\"},"
            + "\"roomy\":{\"limit\":100000,\"period\":\"1s\",\"scope\":\"tenant\"}}"));
    Tenants.create(suite.gateway(), "shop");
    reader = Tenants.issue(suite.gateway(), "shop", "read").getString("secret");
  }

  @AfterAll
  static void stop() throws Exception {
    suite.close();
    redis.close();
    upstream.close();
  }

  private static void writeRoutes(String extra) throws Exception {
    Path tmp = dir.resolve("routes.tmp");
    Files.writeString(tmp, "routes:\n"
        + "  - id: orders\n    path: /api/orders\n    upstream: " + upstream.url() + "/v1\n    auth: [api-key]\n"
        + "    scopes: [read]\n    rateLimit: [small, roomy]\n    stripPrefix: true\n"
        + "  - id: open\n    path: /public\n    upstream: " + upstream.url() + "\n    auth: [none]\n" + extra);
    Files.move(tmp, routes, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void tenantKeyIsAuthenticatedLimitedAndForwardedWithoutItsCredential() {
    String freshKey = Tenants.issue(suite.gateway(), "shop", "read").getString("secret");
    HttpResponse<String> ok = Http.get(suite.gateway() + "/api/orders/42?x=1", "Authorization", "Bearer " + freshKey,
        "X-Bulwark-Tenant", "someone-else");
    assertEquals(200, ok.statusCode(), ok.body());
    JsonObject seen = Http.json(ok);
    assertEquals("/v1/42?x=1", seen.getString("uri"));
    JsonObject h = seen.getJsonObject("headers");
    assertFalse(h.containsKey("authorization"), "the upstream must never see the credential");
    assertEquals("shop", h.getString("x-bulwark-tenant"), "tenant from the key, not from the client");
    assertEquals(ok.headers().firstValue("x-request-id").orElseThrow(), h.getString("x-request-id"));
    assertEquals("127.0.0.1", h.getString("x-forwarded-for"));
    assertEquals("5", ok.headers().firstValue("RateLimit-Limit").orElseThrow());
    assertEquals("4", ok.headers().firstValue("RateLimit-Remaining").orElseThrow());

    for (int i = 0; i < 4; i++) {
      assertEquals(200, Http.get(suite.gateway() + "/api/orders/1", "X-API-Key", freshKey).statusCode());
    }
    int before = upstream.hits.get();
    HttpResponse<String> limited = Http.get(suite.gateway() + "/api/orders/1", "X-API-Key", freshKey);
    assertProblem(limited, 429, "ratelimit.exceeded");
    assertTrue(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow()) >= 1);
    assertEquals("0", limited.headers().firstValue("RateLimit-Remaining").orElseThrow());
    assertTrue(limited.headers().firstValue("RateLimit-Reset").isPresent());
    assertEquals(before, upstream.hits.get(), "a refused request never reaches the upstream");
    assertEquals(200, Http.get(suite.gateway() + "/api/orders/1", "X-API-Key", reader).statusCode(), "other keys keep their quota");
  }

  @Test
  void routeRequirementsAreEnforced() {
    String noScope = Tenants.issue(suite.gateway(), "shop", "write").getString("secret");
    assertProblem(Http.get(suite.gateway() + "/api/orders/1", "X-API-Key", noScope), 403, "auth.insufficient_scope");
    assertProblem(Http.get(suite.gateway() + "/api/orders/1", "Authorization", "Bearer " + SuiteHarness.ADMIN_KEY), 403, "auth.forbidden");
    assertProblem(Http.get(suite.gateway() + "/api/orders/1"), 401, "auth.missing_credentials");
    assertEquals(200, Http.get(suite.gateway() + "/public/anything").statusCode());
    assertProblem(Http.get(suite.gateway() + "/not-routed"), 404, "route.not_found");
  }

  @Test
  void routesFileChangesApplyWhileRunning() throws Exception {
    assertProblem(Http.get(suite.gateway() + "/late/x"), 404, "route.not_found");
    writeRoutes("  - id: late\n    path: /late\n    upstream: " + upstream.url() + "\n    auth: [none]\n");
    HttpResponse<String> r = Http.await(suite.gateway() + "/late/x", Duration.ofSeconds(10), x -> x.statusCode() == 200);
    assertEquals(200, r.statusCode());
    Files.writeString(routes, "routes: [ {id: broken");
    Http.sleep(1000);
    assertEquals(200, Http.get(suite.gateway() + "/late/x").statusCode(), "an invalid file leaves the routes as they were");
    String metrics = Http.get(suite.management("gateway") + "/metrics").body();
    assertTrue(metrics.matches("(?s).*bulwark_gateway_route_reloads_total\\{[^}]*result=\"rejected\"[^}]*} [1-9].*"), metrics);
    writeRoutes("");
  }

  @Test
  void redisOutageFallsBackToLocalLimitsAndRecovers() throws Exception {
    String key = Tenants.issue(suite.gateway(), "shop", "read").getString("secret");
    assertEquals(200, Http.get(suite.gateway() + "/api/orders/1", "X-API-Key", key).statusCode());
    redis.stop();
    try {
      HttpResponse<String> ready = Http.await(suite.management("gateway") + "/ready", Duration.ofSeconds(10),
          r -> r.body().contains("\"DEGRADED\""));
      assertEquals(200, ready.statusCode(), "a gateway without Redis still serves: " + ready.body());
      assertEquals("DOWN", Http.json(ready).getJsonObject("checks").getJsonObject("redis").getString("status"));
      int ok = 0;
      int limited = 0;
      for (int i = 0; i < 10; i++) {
        int s = Http.get(suite.gateway() + "/api/orders/1", "X-API-Key", key).statusCode();
        ok += s == 200 ? 1 : 0;
        limited += s == 429 ? 1 : 0;
      }
      assertEquals(5, ok, "the local limiter enforces the policy on its own");
      assertEquals(5, limited);
    } finally {
      redis.start();
    }
    HttpResponse<String> back = Http.await(suite.management("gateway") + "/ready", Duration.ofSeconds(10),
        r -> Http.json(r).getJsonObject("checks").getJsonObject("redis").getString("status").equals("UP"));
    assertEquals("UP", Http.json(back).getString("status"), back.body());
  }
}
