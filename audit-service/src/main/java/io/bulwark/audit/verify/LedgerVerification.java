package io.bulwark.audit.verify;

import io.bulwark.audit.AuditMetrics;
import io.bulwark.audit.LedgerSettings;
import io.bulwark.audit.ledger.Ledger;
import io.bulwark.ledger.LedgerVerifier.CheckpointInput;
import io.bulwark.ledger.LedgerVerifier;
import io.bulwark.ledger.NoteException;
import io.bulwark.ledger.ProofPlan;
import io.bulwark.ledger.Subtree;
import io.bulwark.ledger.Tiles.TileRef;
import io.bulwark.ledger.Tiles;
import io.bulwark.ledger.VerificationResult;
import io.bulwark.ledger.VerifierKey;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.ledgerdb.CheckpointStore.StoredCheckpoint;
import io.bulwark.shared.ledgerdb.CheckpointStore;
import io.bulwark.shared.ledgerdb.EntryStore.StoredEntry;
import io.bulwark.shared.ledgerdb.EntryStore;
import io.bulwark.shared.ledgerdb.LedgerPage;
import io.bulwark.shared.ledgerdb.TreeStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Runs the offline verifier's core over the database: every entry from the ledger's minimum index, against the
 * registered keys and the signed checkpoints, with the level-0 tiles as the recorded hashes; then checks every
 * higher tile against the tiles below it. On demand (admin) and on a schedule on the leader.
 */
public final class LedgerVerification implements Ledger.LeaderTask {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerVerification.class);
  static final int PAGE = 4096;
  /** Checkpoints checked per run: an even spread plus the latest (each one's root is recomputed from the entries). */
  static final int MAX_CHECKPOINTS = 2000;
  private final Vertx vertx;
  private final LedgerSettings settings;
  private final Pool pool;
  private final EntryStore entries;
  private final CheckpointStore checkpoints;
  private final TreeStore tree;
  private final AuditMetrics metrics;
  private final Ledger ledger;
  private volatile JsonObject last;
  /** Only touched on the service verticle's context (its bus consumer and timer). */
  private Future<JsonObject> running;
  private long timer = -1;

  public LedgerVerification(Vertx vertx, LedgerSettings settings, Pool pool, EntryStore entries, CheckpointStore checkpoints,
                            TreeStore tree, AuditMetrics metrics, Ledger ledger) {
    this.vertx = vertx;
    this.settings = settings;
    this.pool = pool;
    this.entries = entries;
    this.checkpoints = checkpoints;
    this.tree = tree;
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
    running = run().recover(err -> Future.succeededFuture(
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

  private Future<VerificationResult> run() {
    return Future.all(checkpoints.keys(), entries.prunedBelow(), checkpoints.latest()).compose(all -> {
      List<CheckpointStore.KeyIdentity> keys = all.resultAt(0);
      long from = all.<Long>resultAt(1);
      java.util.Optional<StoredCheckpoint> latest = all.resultAt(2);
      List<VerifierKey> trusted = new ArrayList<>();
      for (CheckpointStore.KeyIdentity k : keys) {
        try {
          trusted.add(VerifierKey.parse(k.vkey()));
        } catch (NoteException e) {
          return Future.succeededFuture(new VerificationResult(false, "malformed-key", null, null, null, k.keyId()));
        }
      }
      if (latest.isEmpty()) {
        return Future.succeededFuture(new VerificationResult(true, "ok", null, 0L, 0L, "no checkpoint yet"));
      }
      long to = latest.get().size();
      return checkpoints.spread(from + 1, to, MAX_CHECKPOINTS).compose(chosen -> {
        List<Subtree> left = ProofPlan.decompose(0, from);
        return tree.hashes(left).compose(leftHashes -> {
          LedgerVerifier verifier = new LedgerVerifier(settings.origin(), trusted);
          verifier.begin(from, left.stream().map(leftHashes::get).toList(),
              chosen.stream().map(c -> new CheckpointInput(c.note(), List.of())).toList());
          return page(verifier, from, to).compose(x -> vertx.executeBlocking(() -> verifier.finish(to), true));
        });
      }).compose(result -> result.verified() ? checkTiles(result) : Future.succeededFuture(result));
    });
  }

  /** Feeds entries [next, to) page by page; hashing happens on a worker thread, in order. */
  private Future<Void> page(LedgerVerifier verifier, long next, long to) {
    if (next >= to) {
      return Future.succeededFuture();
    }
    long end = Math.min(to, next + PAGE);
    return LedgerPage.read(entries, tree, next, end).compose(page -> vertx.executeBlocking(() -> {
      for (StoredEntry e : page.entries()) {
        verifier.accept(e.index(), e.entry(), page.recorded(e.index()));
      }
      return null;
    }, true)).compose(x -> page(verifier, end, to));
  }

  /** Every stored tile above level 0 must hold the roots of the 256 tiles below it; checked one tile at a time. */
  private Future<VerificationResult> checkTiles(VerificationResult ok) {
    return pool.query("SELECT level, idx FROM audit.tiles WHERE level > 0 ORDER BY level, idx").execute().compose(rs -> {
      List<TileRef> upper = new ArrayList<>();
      rs.forEach(r -> upper.add(new TileRef(r.getShort(0), r.getLong(1))));
      return checkTile(upper, 0, ok);
    });
  }

  private Future<VerificationResult> checkTile(List<TileRef> upper, int i, VerificationResult ok) {
    if (i >= upper.size()) {
      return Future.succeededFuture(ok);
    }
    TileRef ref = upper.get(i);
    Set<TileRef> wanted = new HashSet<>();
    wanted.add(ref);
    for (int j = 0; j < Tiles.WIDTH; j++) {
      wanted.add(new TileRef(ref.level() - 1, ref.index() * Tiles.WIDTH + j));
    }
    return tree.tiles(wanted).compose(found -> {
      byte[] hashes = found.get(ref);
      for (int j = 0; j < Tiles.WIDTH; j++) {
        byte[] child = found.get(new TileRef(ref.level() - 1, ref.index() * Tiles.WIDTH + j));
        byte[] expected = Arrays.copyOfRange(hashes, j * 32, j * 32 + 32);
        if (child == null || child.length != Tiles.WIDTH * 32 || !Arrays.equals(Tiles.tileRoot(child), expected)) {
          long firstLeaf = (ref.index() * Tiles.WIDTH + j) << (Tiles.HEIGHT * ref.level());
          return Future.succeededFuture(new VerificationResult(false, "hash-mismatch", firstLeaf, null, null,
              "tile " + ref.level() + "/" + ref.index() + " disagrees with the tiles below it"));
        }
      }
      return checkTile(upper, i + 1, ok);
    });
  }
}
