package io.bulwark.gateway;

import io.bulwark.gateway.api.ApiDocs;
import io.bulwark.gateway.api.AuditApi;
import io.bulwark.gateway.api.ComplianceApi;
import io.bulwark.gateway.api.RegulatorApi;
import io.bulwark.gateway.api.EventsApi;
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
                     ReadOnlyGuard readOnly, Handler<RoutingContext> admin, Handler<RoutingContext> reader,
                     Handler<RoutingContext> writer, ProxyRoutes proxy, RouteAuth proxied, ApiDocs apiDocs) {

  /**
   * Mounts the APIs, then the proxied routes for the rest: a route from the routes file is matched, authenticated as
   * it says, limited and forwarded; a request no route matches falls through to the router's own 404 or 405.
   */
  void mount(Router router) {
    router.route().handler(readOnly);
    ApiRouter.route(router, HttpMethod.POST, "/v1/events").handler(writer).handler(events::append);
    ApiRouter.route(router, HttpMethod.GET, "/v1/events/:index").handler(reader).handler(events::get);
    audit.mount(router, admin, reader);
    tenants.mount(router, admin);
    compliance.mount(router, admin, reader);
    regulator.mount(router, admin);
    apiDocs.mount(router);
    Unrouted unrouted = new Unrouted(router);
    router.route().handler(proxy::match);
    router.route().handler(proxied);
    router.route().handler(unrouted);
  }
}
