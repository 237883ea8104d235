package io.bulwark.shared.bus;

import io.bulwark.shared.BuildInfo;
import io.bulwark.shared.management.Readiness;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/** Answers {@code bulwark.<service>.ping} with the service's name, version and readiness. */
public final class PingResponder {
  private PingResponder() {}

  public static MessageConsumer<JsonObject> register(Vertx vertx, String service, Readiness readiness) {
    return vertx.eventBus().<JsonObject>consumer(Addresses.ping(service), msg -> {
      try {
        Ping ping = Ping.fromJson(msg.body());
        msg.reply(new Ping.Pong(service, BuildInfo.version(), readiness.ready(), ping.detail() ? readiness.snapshot() : null)
            .toJson());
      } catch (io.bulwark.shared.http.ApiException e) {
        BusErrors.fail(msg, e);
      }
    });
  }
}
