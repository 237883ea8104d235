package io.bulwark.audit.bus;

import io.bulwark.audit.ledger.Ledger;
import io.bulwark.audit.retention.RetentionWorker;
import io.bulwark.audit.verify.LedgerVerification;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.Versions;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.ledgerdb.CheckpointStore;
import io.bulwark.shared.ledgerdb.EntryStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Operator actions on the ledger: verify now; retention status, pause, resume, run now; the ledger's status. */
public final class OperatorConsumers {
  private final LedgerVerification verification;
  private final RetentionWorker retention;
  private final Ledger ledger;
  private final EntryStore entries;
  private final CheckpointStore checkpoints;

  public OperatorConsumers(LedgerVerification verification, RetentionWorker retention, Ledger ledger, EntryStore entries,
                           CheckpointStore checkpoints) {
    this.verification = verification;
    this.retention = retention;
    this.ledger = ledger;
    this.entries = entries;
    this.checkpoints = checkpoints;
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
        })),
        bus.consumer(Addresses.AUDIT_STATUS, msg -> LedgerConsumers.answer(msg, body -> {
          Versions.require(body, 1, Addresses.AUDIT_STATUS);
          return status();
        })));
  }

  /**
   * What a compliance report states about the ledger. The size is the writer's committed size on the leader; a standby
   * reports the latest checkpoint's size (what is provable), saying so in {@code sizeSource}.
   */
  private Future<JsonObject> status() {
    return Future.all(checkpoints.latest(), entries.prunedBelow(), checkpoints.keys()).map(all -> {
      Optional<CheckpointStore.StoredCheckpoint> latest = all.resultAt(0);
      List<CheckpointStore.KeyIdentity> keys = all.resultAt(2);
      Instant now = Instant.now();
      long committed = ledger.committedSize();
      JsonObject ledgerJson = new JsonObject()
          .put("size", committed >= 0 ? committed : latest.map(CheckpointStore.StoredCheckpoint::size).orElse(0L))
          .put("sizeSource", committed >= 0 ? "writer" : "checkpoint")
          .put("prunedBelow", all.<Long>resultAt(1))
          .put("checkpoint", latest.map(c -> new JsonObject().put("size", c.size()).put("createdAt", c.createdAt().toString())
              .put("ageSeconds", Math.max(0, Duration.between(c.createdAt(), now).toSeconds()))).orElse(null))
          .put("lastVerification", verification.last());
      JsonArray signing = new JsonArray();
      for (CheckpointStore.KeyIdentity k : keys) {
        signing.add(k.toJson().put("ageDays", Math.max(0, Duration.between(k.validFrom(), now).toDays())));
      }
      return new JsonObject().put("v", 1).put("ledger", ledgerJson).put("retention", retention.status())
          .put("signingKeys", signing);
    });
  }
}
