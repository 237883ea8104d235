package io.bulwark.audit.bus;

import io.bulwark.audit.retention.RetentionWorker;
import io.bulwark.audit.verify.LedgerVerification;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.Versions;
import io.bulwark.shared.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Operator actions on the ledger: verify now; retention status, pause, resume, run now. */
public final class OperatorConsumers {
  private final LedgerVerification verification;
  private final RetentionWorker retention;

  public OperatorConsumers(LedgerVerification verification, RetentionWorker retention) {
    this.verification = verification;
    this.retention = retention;
  }

  public List<MessageConsumer<JsonObject>> register(EventBus bus) {
    return List.of(
        bus.consumer(Addresses.AUDIT_VERIFY, msg -> LedgerConsumers.answer(msg, body -> {
          Versions.require(body, 1, Addresses.AUDIT_VERIFY);
          if (Boolean.TRUE.equals(body.getValue("last"))) {
            JsonObject last = verification.last();
            return Future.succeededFuture(new JsonObject().put("v", 1).put("result", last));
          }
          return verification.verify(body.getString("trigger", "request")).map(r -> new JsonObject().put("v", 1).put("result", r));
        })),
        bus.consumer(Addresses.AUDIT_RETENTION, msg -> LedgerConsumers.answer(msg, body -> {
          Versions.require(body, 1, Addresses.AUDIT_RETENTION);
          String actor = LedgerConsumers.optionalString(body, "actor", 256);
          String action = body.getValue("action") instanceof String s ? s : "status";
          Future<JsonObject> result = switch (action) {
            case "status" -> Future.succeededFuture(retention.status());
            case "pause" -> retention.setPaused(true, actor == null ? "unknown" : actor);
            case "resume" -> retention.setPaused(false, actor == null ? "unknown" : actor);
            case "run" -> retention.run("request");
            default -> throw ApiException.badRequest("action must be status, pause, resume or run");
          };
          return result.map(status -> new JsonObject().put("v", 1).put("retention", status));
        })));
  }
}
