package io.bulwark.gateway.api;

import io.bulwark.shared.http.RequestIds;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** How the gateway's own APIs answer: never cached (ledger facts and credentials), JSON bodies carry the request id. */
final class Answers {
  private Answers() {}

  static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
        .end(body.put("requestId", RequestIds.of(ctx)).encode());
  }

  static void text(RoutingContext ctx, String body) {
    ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").putHeader("Cache-Control", "no-store").end(body);
  }
}
