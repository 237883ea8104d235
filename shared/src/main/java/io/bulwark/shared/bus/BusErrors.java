package io.bulwark.shared.bus;

import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Failures across the bus: the failure code is the HTTP status and the text is a small JSON object with the stable error
 * code, so a gateway can turn a consumer's failure into the same problem a local failure would give.
 */
public final class BusErrors {
  private BusErrors() {}

  public static void fail(Message<?> message, ApiException e) {
    message.fail(e.status(), new JsonObject().put("code", e.code()).put("detail", e.detail()).encode());
  }

  /**
   * Maps a failed request to an {@link ApiException}; no consumer or no answer in time means the peer service is
   * unavailable ({@code unavailableCode}).
   */
  public static ApiException toApi(Throwable failure, String unavailableCode, String peer) {
    if (failure instanceof ReplyException re) {
      switch (re.failureType()) {
        case NO_HANDLERS:
          return new ApiException(503, unavailableCode, peer + " is not reachable");
        case TIMEOUT:
          return new ApiException(503, unavailableCode, peer + " did not answer in time");
        case RECIPIENT_FAILURE:
          try {
            JsonObject body = new JsonObject(re.getMessage());
            return new ApiException(re.failureCode(), body.getString("code", ErrorCodes.INTERNAL), body.getString("detail", ""));
          } catch (DecodeException | NullPointerException e) {
            return new ApiException(502, unavailableCode, peer + " failed");
          }
        default:
          break;
      }
    }
    return new ApiException(503, unavailableCode, peer + " is unavailable");
  }
}
