package io.bulwark.gateway.backup;

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
 * What the gateway asks backup-service over the bus ({@code bulwark.backup.*}); a failure becomes the matching API
 * problem (503 {@code backup.unavailable} when nobody answers, backup-service's own 404/409 passed through).
 */
public final class BackupRequests {
  private static final String PEER = "backup-service";
  private final EventBus bus;
  private final DeliveryOptions delivery;
  private final DeliveryOptions waiting;
  private final long waitTimeoutMs;

  /** A check of one backup: {@code verify}, {@code drill} or {@code restore}. */
  public enum CheckKind {
    VERIFY("verify"), DRILL("drill"), RESTORE("restore");

    private final String label;

    CheckKind(String label) {
      this.label = label;
    }

    /** The name on the bus, in routes and in ledger actions. */
    public String label() {
      return label;
    }
  }

  /** Who asks for a run or check, for backup-service's records: the ledger's actor and the request id. */
  public record Requester(String actor, String requestId) {}

  /**
   * {@code timeoutMs} bounds every ordinary request; {@code waitTimeoutMs} bounds a run or check asked to answer only
   * when it has finished, which can take as long as a dump or a restore.
   */
  public BackupRequests(EventBus bus, long timeoutMs, long waitTimeoutMs) {
    this.bus = bus;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
    // backup-service answers by itself after waitMs (with the work's state then): the bus only guards against silence
    this.waiting = new DeliveryOptions().setSendTimeout(waitTimeoutMs + timeoutMs);
    this.waitTimeoutMs = waitTimeoutMs;
  }

  /** {@code status} is available, failed or all; the reply lists backups newest first with the running one. */
  public Future<JsonObject> list(String status, int limit) {
    return ask(Addresses.BACKUP_LIST, new JsonObject().put("status", status).put("limit", limit), false);
  }

  /** One backup with its manifest and checks; 404 {@code backup.not_found}. */
  public Future<JsonObject> get(String id) {
    return ask(Addresses.BACKUP_GET, new JsonObject().put("id", id), false);
  }

  /** Starts a manual backup run; with {@code wait}, the reply comes when it has finished. */
  public Future<JsonObject> run(Requester by, boolean wait) {
    return ask(Addresses.BACKUP_RUN, new JsonObject().put("trigger", "manual").put("actor", by.actor())
        .put("requestId", by.requestId()).put("wait", wait).put("waitMs", waitTimeoutMs), wait);
  }

  /** Starts a check of backup {@code id}; {@code database} (restore only) may be null for backup-service's default. */
  public Future<JsonObject> check(String id, CheckKind kind, String database, Requester by, boolean wait) {
    JsonObject msg = new JsonObject().put("id", id).put("kind", kind.label()).put("actor", by.actor())
        .put("requestId", by.requestId()).put("wait", wait).put("waitMs", waitTimeoutMs);
    if (database != null) {
      msg.put("database", database);
    }
    return ask(Addresses.BACKUP_CHECK, msg, wait);
  }

  /** The backup state in one answer: last backup and outcomes, last verification and drill, latest manifest. */
  public Future<JsonObject> status() {
    return ask(Addresses.BACKUP_STATUS, new JsonObject(), false);
  }

  private Future<JsonObject> ask(String address, JsonObject body, boolean wait) {
    return bus.<JsonObject>request(address, body.put("v", 1), wait ? waiting : delivery).map(m -> m.body())
        .recover(err -> Future.failedFuture(problem(err, wait)));
  }

  private ApiException problem(Throwable err, boolean wait) {
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
      // the request may have been taken up and the work still be going: say where to look rather than only "no answer"
      return new Unfinished(wait
          ? PEER + " did not answer within " + waitTimeoutMs + " ms (BULWARK_BACKUP_WAIT_TIMEOUT_MS) and the bus timeout;"
              + " the work may still be running: see GET /admin/backups"
          : PEER + " did not answer in time");
    }
    return BusErrors.toApi(err, ErrorCodes.BACKUP_UNAVAILABLE, PEER);
  }

  /**
   * 503 {@code backup.unavailable} because no answer came in time: unlike a refusal or a missing consumer, the work may
   * have started, so callers must not record it as not done.
   */
  public static final class Unfinished extends ApiException {
    private static final long serialVersionUID = 1L;

    Unfinished(String detail) {
      super(503, ErrorCodes.BACKUP_UNAVAILABLE, detail);
    }
  }
}
