package io.bulwark.gateway.spool;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.AppendBatch;
import io.bulwark.shared.bus.AppendRequest;
import io.bulwark.shared.bus.BusErrors;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Sends one batch to {@code bulwark.audit.append} and says whether it was committed, may be retried, or never will be. */
final class AuditLink {
  private static final int MAX_REASON = 300;
  private final EventBus bus;

  AuditLink(EventBus bus) {
    this.bus = bus;
  }

  /** Never fails: every failure is classified into the outcome. */
  Future<SendOutcome> send(List<AppendRequest> batch, long timeoutMs) {
    return bus.<JsonObject>request(Addresses.AUDIT_APPEND, new AppendBatch(batch).toJson(),
            new DeliveryOptions().setSendTimeout(timeoutMs))
        // audit-service answers only after the transaction holding the whole batch committed
        .map(reply -> SendOutcome.ACK)
        .otherwise(AuditLink::classify);
  }

  static SendOutcome classify(Throwable failure) {
    ApiException e = BusErrors.toApi(failure, ErrorCodes.AUDIT_UNAVAILABLE, "audit-service");
    String reason = e.status() + " " + e.code() + ": " + e.detail();
    if (reason.length() > MAX_REASON) {
      reason = reason.substring(0, MAX_REASON);
    }
    // 408 and 429 ask the sender to come back later; every other 4xx says the batch itself is wrong
    boolean permanent = e.status() >= 400 && e.status() < 500 && e.status() != 408 && e.status() != 429;
    return new SendOutcome(permanent ? SendOutcome.Kind.REJECTED : SendOutcome.Kind.UNAVAILABLE, reason);
  }
}
