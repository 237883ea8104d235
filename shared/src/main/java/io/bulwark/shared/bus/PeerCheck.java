package io.bulwark.shared.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/** Readiness check {@code bus:<peer>}: the peer answers a ping over the event bus and reports itself ready. */
public final class PeerCheck {
  private PeerCheck() {}

  public static Future<JsonObject> ping(Vertx vertx, String self, String peer, long timeoutMs) {
    return vertx.eventBus().<JsonObject>request(Addresses.ping(peer), new Ping(self).toJson(),
            new DeliveryOptions().setSendTimeout(timeoutMs))
        .recover(err -> Future.failedFuture(peer + " not reachable on the bus: " + err.getMessage()))
        .compose(msg -> {
          Ping.Pong pong = Ping.Pong.fromJson(msg.body());
          JsonObject data = new JsonObject().put("version", pong.version());
          return pong.ready() ? Future.succeededFuture(data) : Future.failedFuture(peer + " answers but is not ready");
        });
  }
}
