package io.bulwark.gateway.health;

import io.bulwark.shared.BuildInfo;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.Ping;
import io.bulwark.shared.management.Readiness;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The readiness of every Bulwark service in one answer: this gateway's own checks, and each other service's as it
 * reports them over the bus (with the round trip). A service that does not answer is reported down within the timeout;
 * one with no consumer on the bus at all is reported at once.
 */
public final class DetailedHealth {
  /** The services of a Bulwark installation, in the order the report lists them. */
  public static final List<String> SERVICES = List.of("gateway", "audit", "backup", "alert");
  private final Vertx vertx;
  private final Readiness own;
  private final long timeoutMs;

  public DetailedHealth(Vertx vertx, Readiness own, long timeoutMs) {
    this.vertx = vertx;
    this.own = own;
    this.timeoutMs = timeoutMs;
  }

  public Future<JsonObject> collect() {
    long started = System.nanoTime();
    List<Future<JsonObject>> each = new ArrayList<>();
    for (String service : SERVICES) {
      each.add("gateway".equals(service) ? Future.succeededFuture(self()) : ask(service));
    }
    return Future.join(each).transform(ignored -> {
      JsonObject services = new JsonObject();
      int worst = 0;
      for (int i = 0; i < SERVICES.size(); i++) {
        JsonObject s = each.get(i).result();
        services.put(SERVICES.get(i), s);
        worst = Math.max(worst, rank(s.getString("status")));
      }
      return Future.succeededFuture(new JsonObject().put("status", worst == 0 ? "UP" : worst == 1 ? "DEGRADED" : "DOWN")
          .put("checkedAt", Instant.now().toString()).put("durationMs", elapsedMs(started)).put("services", services));
    });
  }

  private JsonObject self() {
    JsonObject snap = own.snapshot();
    return new JsonObject().put("status", snap.getString("status", "DOWN")).put("version", BuildInfo.version())
        .put("latencyMs", 0L).put("checks", snap.getJsonObject("checks", new JsonObject()));
  }

  private Future<JsonObject> ask(String service) {
    long started = System.nanoTime();
    return vertx.eventBus().<JsonObject>request(Addresses.ping(service), new Ping("gateway", true).toJson(),
            new DeliveryOptions().setSendTimeout(timeoutMs))
        .map(msg -> {
          Ping.Pong pong = Ping.Pong.fromJson(msg.body());
          JsonObject readiness = pong.readiness() == null ? new JsonObject() : pong.readiness();
          String status = readiness.getString("status", pong.ready() ? "UP" : "DOWN");
          return new JsonObject().put("status", status).put("version", pong.version()).put("latencyMs", elapsedMs(started))
              .put("checks", readiness.getJsonObject("checks", new JsonObject()));
        })
        .recover(err -> Future.succeededFuture(new JsonObject().put("status", "DOWN").put("latencyMs", elapsedMs(started))
            .put("error", describe(err))));
  }

  private String describe(Throwable err) {
    if (err instanceof ReplyException r) {
      if (r.failureType() == ReplyFailure.NO_HANDLERS) {
        return "not running: nothing answers on the event bus";
      }
      if (r.failureType() == ReplyFailure.TIMEOUT) {
        return "no answer within " + timeoutMs + " ms";
      }
    }
    return "ping failed: " + err.getMessage();
  }

  private static int rank(String status) {
    return "UP".equals(status) ? 0 : "DEGRADED".equals(status) ? 1 : 2;
  }

  private static long elapsedMs(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }
}
