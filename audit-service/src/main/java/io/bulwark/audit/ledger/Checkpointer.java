package io.bulwark.audit.ledger;

import io.bulwark.audit.AuditMetrics;
import io.bulwark.ledger.Checkpoint;
import io.bulwark.ledger.NoteSigner;
import io.bulwark.shared.ledgerdb.CheckpointStore;
import io.bulwark.shared.ledgerdb.TreeState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Signs a checkpoint of the committed tree at most once per interval while entries arrive, and none while idle. Runs
 * on the leader only; a checkpoint states a prefix of an append-only ledger, so it stays true whoever writes next.
 */
public final class Checkpointer {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
  private final Vertx vertx;
  private final Supplier<TreeState> committed;
  private final NoteSigner signer;
  private final String origin;
  private final CheckpointStore store;
  private final AuditMetrics metrics;
  private long lastSize;
  private long timer = -1;
  private boolean running;

  public Checkpointer(Vertx vertx, Supplier<TreeState> committed, NoteSigner signer, String origin, CheckpointStore store,
                      AuditMetrics metrics, long lastSize) {
    this.vertx = vertx;
    this.committed = committed;
    this.signer = signer;
    this.origin = origin;
    this.store = store;
    this.metrics = metrics;
    this.lastSize = lastSize;
  }

  public void start(long intervalMs) {
    timer = vertx.setPeriodic(intervalMs, id -> checkpoint());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Signs the committed tree if it grew since the last checkpoint; completes with the size signed (or the last one). */
  public Future<Long> checkpoint() {
    TreeState tree = committed.get();
    if (running || tree.size() == lastSize || tree.size() == 0) {
      return Future.succeededFuture(lastSize);
    }
    running = true;
    long size = tree.size();
    byte[] root = tree.root();
    String note;
    try {
      note = signer.sign(new Checkpoint(origin, size, root, List.of()).body());
    } catch (RuntimeException e) {
      running = false;
      metrics.signingFailed();
      LOG.error("checkpoint at size {} could not be signed: {}", size, e.getMessage(), kv("event", "audit_signing_failed"));
      return Future.failedFuture(e);
    }
    String keyId = HexFormat.of().formatHex(signer.verifierKey().keyId());
    return store.insert(size, root, note, keyId)
        .map(stored -> {
          lastSize = size;
          metrics.checkpointSigned(size);
          return size;
        })
        .onFailure(err -> {
          metrics.signingFailed();
          LOG.error("checkpoint at size {} could not be stored: {}", size, err.getMessage(), kv("event", "audit_signing_failed"));
        })
        .onComplete(ar -> running = false);
  }
}
