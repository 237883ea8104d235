package io.bulwark.gateway.alert;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.BusErrors;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * What the gateway asks alert-service over the bus ({@code bulwark.alert.*}); a failure becomes the matching API
 * problem: 503 {@code alert.unavailable} when nobody answers, alert-service's own 400/404/409 passed through.
 */
public final class AlertRequests {
  private static final String PEER = "alert-service";
  private final EventBus bus;
  private final DeliveryOptions delivery;

  public AlertRequests(EventBus bus, long timeoutMs) {
    this.bus = bus;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  /** Sends {@code body} (a {@code "v": 1} is added) to {@code address} and returns the reply without its {@code v}. */
  public Future<JsonObject> ask(String address, JsonObject body) {
    return bus.<JsonObject>request(address, body.put("v", 1), delivery).map(m -> {
      JsonObject reply = m.body() == null ? new JsonObject() : m.body().copy();
      reply.remove("v");
      return reply;
    }).recover(err -> Future.failedFuture(problem(err)));
  }

  /** Open alerts by severity and state, for the compliance report. */
  public Future<JsonObject> summary() {
    return ask(Addresses.ALERT_SUMMARY, new JsonObject());
  }

  private static ApiException problem(Throwable err) {
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
      return new Unanswered(PEER + " did not answer in time");
    }
    return BusErrors.toApi(err, ErrorCodes.ALERT_UNAVAILABLE, PEER);
  }

  /**
   * 503 {@code alert.unavailable} because no answer came in time: the request may still have been carried out, so it
   * must not be recorded as not done (alert-service records its own state changes).
   */
  public static final class Unanswered extends ApiException {
    private static final long serialVersionUID = 1L;

    Unanswered(String detail) {
      super(503, ErrorCodes.ALERT_UNAVAILABLE, detail);
    }
  }
}
