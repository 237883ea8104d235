package io.bulwark.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.gateway.api.ApiDocs;
import io.bulwark.gateway.auth.AdminKeys;
import io.bulwark.gateway.proxy.RouteFile;
import io.bulwark.gateway.proxy.RouteTable;
import io.bulwark.gateway.ratelimit.RateLimiter;
import io.bulwark.gateway.regulator.AccessCodes;
import io.bulwark.shared.config.ServiceConfig;
import io.bulwark.shared.management.Readiness;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Walks the router the gateway really serves — built by the same {@link GatewayWiring} and {@link TrafficRoutes} as
 * production — and compares it with the OpenAPI document: a route added without documenting it, or a documented
 * route that no longer exists, fails here. No network: the stores and clients connect only when a request comes.
 */
class ServedRoutesDocumentedTest {
  private Vertx vertx;
  private Pool pool;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    if (pool != null) {
      pool.close();
    }
    vertx.close();
  }

  private Router productionRouter() {
    ServiceConfig config = ServiceConfig.of("gateway", new JsonObject().put("MANAGEMENT_PORT", 0).put("HTTP_PORT", 0)
        .put("DATABASE_URL", "postgres://postgres@127.0.0.1:1/none").put("BULWARK_ENV", "test")
        .put("BULWARK_ADMIN_KEYS", "route-walk-admin-key-0123456789"));
    pool = PgBuilder.pool().connectingTo("postgres://postgres@127.0.0.1:1/none").using(vertx).build();
    var registry = new SimpleMeterRegistry();
    Readiness readiness = new Readiness(vertx, "gateway", 1000);
    AdminKeys keys = AdminKeys.choose(config, null).result().keys();
    GatewayWiring.Wired wired = GatewayWiring.wire(new GatewayWiring.Parts(vertx, config, pool, registry, readiness, keys,
        e -> true, RateLimiter.create(vertx, config, registry, null), RouteFile.fixed(RouteTable.empty()),
        AccessCodes.parse(""), ApiDocs.fromClasspath(ApiDocs.RESOURCE), 1000));
    Router router = Router.router(vertx);
    wired.traffic().mount(router);
    return router;
  }

  @Test
  void everyServedRouteIsDocumentedAndEveryDocumentedRouteIsServed() {
    Router router = productionRouter();
    assertEquals(List.of(), ApiDocs.undocumented(router), "routes the gateway serves that /api-docs does not describe");
    assertEquals(List.of(), ApiDocs.unserved(router), "routes /api-docs describes that the gateway does not serve");
    assertTrue(ApiDocs.fromClasspath(ApiDocs.RESOURCE).operations().size() > 30, "the walk saw the real router");
  }

  @Test
  void everyApiRouteLiesUnderAReservedPrefixSoProxiedPathsCanSkipThem() {
    Router router = productionRouter();
    List<String> outside = router.getRoutes().stream().filter(r -> r.getPath() != null)
        .map(io.vertx.ext.web.Route::getPath)
        .filter(p -> !TrafficRoutes.API_PREFIXES.contains(p.split("/", -1)[1]))
        .toList();
    assertEquals(List.of(), outside, "API routes outside TrafficRoutes.API_PREFIXES would be shadowed by proxied routes");
    java.util.regex.Pattern skip = java.util.regex.Pattern.compile(TrafficRoutes.OUTSIDE_API);
    for (String proxied : List.of("/api", "/api/v1/x", "/v1x", "/adminx/y", "/health-check", "/", "/x/v1/events", "/alertsx")) {
      assertTrue(skip.matcher(proxied).matches(), proxied);
    }
    for (String api : List.of("/v1", "/v1/events", "/admin/tenants", "/compliance/report", "/regulator/login", "/health/detailed",
        "/api-docs", "/api-docs/ui/x.js", "/alerts", "/alerts/silences")) {
      assertFalse(skip.matcher(api).matches(), api);
    }
  }

  @Test
  void aRouteAddedWithoutDocumentationIsCaught() {
    Router router = productionRouter();
    io.bulwark.shared.http.ApiRouter.route(router, io.vertx.core.http.HttpMethod.GET, "/admin/secret-new-thing/:id")
        .handler(ctx -> ctx.end());
    assertEquals(List.of("GET /admin/secret-new-thing/{id}"), ApiDocs.undocumented(router));
  }
}
