package io.bulwark.backup;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.AppendRequest;
import io.bulwark.shared.bus.AuditEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Where backup-service tells the rest of the system what happened: a broadcast on {@code bulwark.backup.events} and an
 * entry in the audit ledger. Deletions must be in the ledger before they happen ({@link #required}); outcomes are
 * recorded as well as the ledger allows ({@link #record}) — a backup is not lost because the ledger was down.
 */
public final class BackupJournal {
  private static final Logger LOG = LoggerFactory.getLogger(BackupJournal.class);
  public static final String ACTOR = "backup-service";
  private final Vertx vertx;
  private final DeliveryOptions delivery;

  public BackupJournal(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  /** Publishes {@code type} about a backup (and a check, when there is one) with extra fields. */
  public void publish(String type, String backupId, String checkId, JsonObject extra) {
    JsonObject event = new JsonObject().put("v", 1).put("type", type).put("backupId", backupId).put("at", Instant.now().toString());
    if (checkId != null) {
      event.put("checkId", checkId);
    }
    if (extra != null) {
      extra.forEach(e -> event.put(e.getKey(), e.getValue()));
    }
    vertx.eventBus().publish(Addresses.BACKUP_EVENTS, event);
  }

  /** Appends a ledger entry and completes once the ledger committed it; fails otherwise. */
  public Future<Void> required(String idempotencyId, String action, String outcome, String actor, String requestId,
                               String target, JsonObject details) {
    AuditEvent event = new AuditEvent("system", null, actor == null ? ACTOR : actor, action, outcome, target, requestId, null,
        details);
    return vertx.eventBus().<JsonObject>request(Addresses.AUDIT_APPEND, new AppendRequest(idempotencyId, event).toJson(), delivery)
        .mapEmpty();
  }

  /** Like {@link #required} but a failure is only logged: the outcome itself is already recorded in the backup schema. */
  public Future<Boolean> record(String idempotencyId, String action, String outcome, String actor, String requestId,
                                String target, JsonObject details) {
    return required(idempotencyId, action, outcome, actor, requestId, target, details).map(true).recover(err -> {
      LOG.warn("could not record {} of {} in the audit ledger: {}", action, target, err.getMessage(),
          kv("event", "backup.ledger_unavailable"), kv("action", action));
      return Future.succeededFuture(false);
    });
  }
}
