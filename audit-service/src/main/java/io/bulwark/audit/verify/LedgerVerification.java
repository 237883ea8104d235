package io.bulwark.audit.verify;

import io.bulwark.audit.AuditMetrics;
import io.bulwark.audit.LedgerSettings;
import io.bulwark.audit.ledger.Ledger;
import io.bulwark.ledger.VerificationResult;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.ledgerdb.StoredLedgerVerifier;
import io.bulwark.shared.ledgerdb.StoredLedgerVerifier.Options;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Verifies the hot ledger with {@link StoredLedgerVerifier} against the registered keys, on demand (admin) and on a
 * schedule on the leader; counts the outcome, and announces and records a failure.
 */
public final class LedgerVerification implements Ledger.LeaderTask {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerVerification.class);
  /** The database's own registered keys, no required checkpoint: the live ledger is checked against itself. */
  private static final Options OPTIONS = new Options(null, null, StoredLedgerVerifier.DEFAULT_MAX_CHECKPOINTS);
  private final Vertx vertx;
  private final LedgerSettings settings;
  private final StoredLedgerVerifier verifier;
  private final AuditMetrics metrics;
  private final Ledger ledger;
  private volatile JsonObject last;
  /** Only touched on the service verticle's context (its bus consumer and timer). */
  private Future<JsonObject> running;
  private long timer = -1;

  public LedgerVerification(Vertx vertx, LedgerSettings settings, Pool pool, AuditMetrics metrics, Ledger ledger) {
    this.vertx = vertx;
    this.settings = settings;
    this.verifier = new StoredLedgerVerifier(vertx, pool, settings.origin());
    this.metrics = metrics;
    this.ledger = ledger;
  }

  /** The result of the latest run, or null before the first. */
  public JsonObject last() {
    return last;
  }

  @Override
  public void lead(Ledger l) {
    timer = vertx.setPeriodic(settings.verifyInterval().toMillis(), id -> verify("schedule"));
  }

  @Override
  public void standBy() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Verifies the whole hot ledger; concurrent requests share one run. */
  public Future<JsonObject> verify(String trigger) {
    if (running != null) {
      return running;
    }
    long started = System.nanoTime();
    Instant at = Instant.now();
    running = verifier.verify(OPTIONS).recover(err -> Future.succeededFuture(
            new VerificationResult(false, "verification-error", null, null, null, String.valueOf(err.getMessage()))))
        .map(result -> {
          JsonObject json = new JsonObject(result.toJson()).put("trigger", trigger).put("at", at.toString())
              .put("durationMs", (System.nanoTime() - started) / 1_000_000);
          last = json;
          metrics.verified(result.verified());
          if (!result.verified()) {
            LOG.error("ledger verification failed: {} at index {} ({})", result.reason(), result.index(), result.detail(),
                kv("event", "audit_verification_failed"));
            vertx.eventBus().publish(Addresses.AUDIT_EVENTS, new JsonObject().put("v", 1).put("type", "verification.failed")
                .put("result", json));
            ledger.recordSystem("audit.verification.failed", "failure", null, json.copy())
                .onFailure(e -> LOG.warn("could not record the verification failure in the ledger: {}", e.getMessage()));
          }
          return json;
        })
        .onComplete(ar -> running = null);
    return running;
  }
}
