package io.bulwark.gateway;

import io.bulwark.gateway.api.AlertApi;
import io.bulwark.gateway.api.ApiDocs;
import io.bulwark.gateway.api.AuditApi;
import io.bulwark.gateway.api.BackupApi;
import io.bulwark.gateway.api.ComplianceApi;
import io.bulwark.gateway.api.RegulatorApi;
import io.bulwark.gateway.api.EventsApi;
import io.bulwark.gateway.api.NotificationsApi;
import io.bulwark.gateway.api.TenantApi;
import io.bulwark.gateway.proxy.ProxyRoutes;
import io.bulwark.gateway.traffic.ReadOnlyGuard;
import io.bulwark.gateway.traffic.RouteAuth;
import io.bulwark.gateway.traffic.Unrouted;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.bulwark.shared.http.ApiRouter;

/**
 * Everything a traffic router needs, built once per gateway and shared by the HTTP verticle on every event loop: the
 * APIs, the authentication handlers and the proxy chain (all thread-safe).
 */
record TrafficRoutes(EventsApi events, AuditApi audit, TenantApi tenants, ComplianceApi compliance, RegulatorApi regulator,
                     BackupApi backups, AlertApi alerts, NotificationsApi notifications, ReadOnlyGuard readOnly, Handler<RoutingContext> admin, Handler<RoutingContext> reader,
                     Handler<RoutingContext> writer, ProxyRoutes proxy, RouteAuth proxied, ApiDocs apiDocs) {

  /** First path segments of the gateway's own APIs; every other path can only be a proxied route (or none). */
  static final java.util.List<String> API_PREFIXES = java.util.List.of("v1", "admin", "compliance", "regulator", "health",
      "api-docs", "alerts");
  /**
   * Paths outside {@link #API_PREFIXES}. They skip the API routes altogether: the router tries routes one by one, and
   * walking some forty of them (path-parameter ones by regex) cost a proxied request about a tenth of its CPU.
   */
  static final String OUTSIDE_API = "^/(?!(?:" + String.join("|", API_PREFIXES) + ")(?:/|$)).*";

  /**
   * Mounts the APIs, then the proxied routes for the rest: a route from the routes file is matched, authenticated as
   * it says, limited and forwarded; a request no route matches falls through to the router's own 404 or 405. A path
   * outside the API prefixes goes to the proxied routes at once; one inside them is tried against the API routes
   * first, then against the routes file, as before.
   */
  void mount(Router router) {
    router.route().handler(readOnly);
    Unrouted[] unrouted = new Unrouted[1];
    router.routeWithRegex(OUTSIDE_API).handler(proxy::match).handler(proxied).handler(ctx -> unrouted[0].handle(ctx));
    ApiRouter.route(router, HttpMethod.POST, "/v1/events").handler(writer).handler(events::append);
    ApiRouter.route(router, HttpMethod.GET, "/v1/events/:index").handler(reader).handler(events::get);
    audit.mount(router, admin, reader);
    tenants.mount(router, admin);
    compliance.mount(router, admin, reader);
    regulator.mount(router, admin);
    backups.mount(router, admin);
    alerts.mount(router, admin);
    notifications.mount(router, admin);
    apiDocs.mount(router);
    unrouted[0] = new Unrouted(router);
    router.route().handler(proxy::match);
    router.route().handler(proxied);
    router.route().handler(unrouted[0]);
  }
}
