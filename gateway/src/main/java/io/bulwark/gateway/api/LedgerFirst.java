package io.bulwark.gateway.api;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.gateway.alert.AlertRequests;
import io.bulwark.gateway.audit.DecisionLog;
import io.bulwark.gateway.auth.Caller;
import io.bulwark.gateway.auth.ClientAddress;
import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.bulwark.shared.http.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator's change to alerts or notifications, recorded in the ledger before it is sent to alert-service: when the
 * ledger does not acknowledge it, nothing is sent (503 {@code audit.unavailable}). When alert-service then refuses it
 * or is not there, a second entry ({@code <action>.aborted}) says the recorded request was not carried out.
 */
final class LedgerFirst {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerFirst.class);
  private final DecisionLog log;
  private final ClientAddress client;

  LedgerFirst(DecisionLog log, ClientAddress client) {
    this.log = log;
    this.client = client;
  }

  /** {@code forward} gets the actor to name in the message; its reply is the request's answer. */
  Future<JsonObject> write(RoutingContext ctx, String action, String target, JsonObject details,
                           Function<String, Future<JsonObject>> forward) {
    Caller caller = Caller.of(ctx);
    String requestId = RequestIds.of(ctx);
    AuditEvent event = new AuditEvent("audit", null, caller.actor(), action, "success", target, requestId, client.of(ctx), details);
    return log.required("gw:" + requestId + ":" + action, event)
        .compose(ack -> forward.apply(caller.actor()).onFailure(err -> aborted(err, event)))
        .onSuccess(r -> LOG.info("{} {} by {}", action, target, caller.actor(), kv("event", action), kv("target", target)));
  }

  private void aborted(Throwable err, AuditEvent recorded) {
    if (err instanceof AlertRequests.Unanswered) {
      // it may have been carried out: alert-service's own ledger entry tells, not a guess here
      LOG.warn("{} {}: {}", recorded.action(), recorded.target(), err.getMessage(), kv("event", "alert.unanswered"),
          kv("action", recorded.action()));
      return;
    }
    ApiException e = err instanceof ApiException a ? a : new ApiException(503, ErrorCodes.ALERT_UNAVAILABLE, String.valueOf(err.getMessage()));
    LOG.warn("{} {} was recorded but not carried out: {} {}", recorded.action(), recorded.target(), e.status(), e.code(),
        kv("event", "alert.request_refused"), kv("action", recorded.action()), kv("code", e.code()));
    log.required("gw:" + recorded.requestId() + ":" + recorded.action() + ":aborted", new AuditEvent("audit", null,
        recorded.actor(), recorded.action() + ".aborted", "failure", recorded.target(), recorded.requestId(),
        recorded.sourceIp(), new JsonObject().put("status", e.status()).put("code", e.code()).put("detail", e.detail())));
  }
}
