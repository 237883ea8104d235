package io.bulwark.shared.bus;

import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a service answers a request on the bus: the message's version is checked, the handler's answer goes back with
 * {@code "v": 1}, a refusal ({@link ApiException}, or a runtime exception while reading the message: 400) goes back in
 * the error model, and anything else is logged and answered 500 naming the service.
 */
public final class BusAnswers {
  private static final Logger LOG = LoggerFactory.getLogger(BusAnswers.class);

  private BusAnswers() {}

  public static void answer(Message<JsonObject> m, String service, Function<JsonObject, Future<JsonObject>> handler) {
    Future<JsonObject> reply;
    try {
      JsonObject body = m.body() == null ? new JsonObject() : m.body();
      Versions.require(body, 1, m.address());
      reply = handler.apply(body);
    } catch (ApiException e) {
      reply = Future.failedFuture(e);
    } catch (RuntimeException e) {
      reply = Future.failedFuture(ApiException.badRequest(String.valueOf(e.getMessage())));
    }
    reply.onSuccess(r -> m.reply(r.put("v", 1))).onFailure(err -> {
      if (err instanceof ApiException api) {
        BusErrors.fail(m, api);
      } else {
        LOG.error("{} failed", m.address(), err);
        BusErrors.fail(m, new ApiException(500, ErrorCodes.INTERNAL, service + " failed: " + err.getMessage()));
      }
    });
  }
}
