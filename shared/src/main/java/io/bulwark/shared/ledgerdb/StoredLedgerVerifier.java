package io.bulwark.shared.ledgerdb;

import io.bulwark.ledger.Checkpoint;
import io.bulwark.ledger.LedgerVerifier;
import io.bulwark.ledger.LedgerVerifier.CheckpointInput;
import io.bulwark.ledger.NoteException;
import io.bulwark.ledger.ProofPlan;
import io.bulwark.ledger.SignedNote;
import io.bulwark.ledger.Subtree;
import io.bulwark.ledger.Tiles;
import io.bulwark.ledger.Tiles.TileRef;
import io.bulwark.ledger.VerificationResult;
import io.bulwark.ledger.VerifierKey;
import io.bulwark.shared.ledgerdb.CheckpointStore.KeyIdentity;
import io.bulwark.shared.ledgerdb.CheckpointStore.StoredCheckpoint;
import io.bulwark.shared.ledgerdb.EntryStore.StoredEntry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies the ledger as stored in a database's {@code audit} schema: audit-service's own check of its live database
 * and backup-service's check of a restored copy run this one implementation.
 *
 * <p>Every entry from the pruned-below index is hashed against an even spread of the stored checkpoints plus the
 * latest (and a required checkpoint, when given), with the level-0 tiles as the recorded hashes and the left edge
 * read from the tiles; then every tile above level 0 is checked against the 256 tiles below it. Hashing, signature
 * checks and parsing run on worker threads, in order; the event loop only moves rows.
 */
public final class StoredLedgerVerifier {
  /** Entries read and hashed per step: large enough to amortise a round trip, small enough to bound memory. */
  static final int PAGE = 4096;
  /** The spread audit-service uses: each checkpoint's root is recomputed from the entries, so more cost little. */
  public static final int DEFAULT_MAX_CHECKPOINTS = 2000;

  private final Vertx vertx;
  private final SqlClient sql;
  private final String origin;
  private final EntryStore entries;
  private final CheckpointStore checkpoints;
  private final TreeStore tree;

  /**
   * What to verify against.
   *
   * @param trustedKeys the keys a checkpoint must be signed with; null trusts the keys in {@code audit.signing_keys}
   *     of the database itself (enough to catch tampering with entries, not a forged key table)
   * @param requiredCheckpointNote a signed checkpoint the stored ledger must reproduce, e.g. the latest one known
   *     when a backup was taken; null for none
   * @param maxCheckpoints how many stored checkpoints to check at most (an even spread that keeps the latest)
   */
  public record Options(List<VerifierKey> trustedKeys, String requiredCheckpointNote, int maxCheckpoints) {
    public Options {
      trustedKeys = trustedKeys == null ? null : List.copyOf(trustedKeys);
      if (maxCheckpoints < 1) {
        throw new IllegalArgumentException("maxCheckpoints must be at least 1, was " + maxCheckpoints);
      }
    }
  }

  /** What the database and the options settle before any entry is read: the keys, the range, or an early answer. */
  private record Plan(List<VerifierKey> trusted, String required, long requiredSize, long to, VerificationResult early) {
    static Plan answer(VerificationResult result) {
      return new Plan(null, null, -1, 0, result);
    }
  }

  /** {@code sql} reaches a database with the {@code audit} schema; {@code origin} is the ledger's checkpoint origin. */
  public StoredLedgerVerifier(Vertx vertx, SqlClient sql, String origin) {
    this.vertx = vertx;
    this.sql = sql;
    this.origin = origin;
    this.entries = new EntryStore(sql);
    this.checkpoints = new CheckpointStore(sql);
    this.tree = new TreeStore(sql);
  }

  /**
   * Verifies the stored ledger up to the larger of the latest stored checkpoint and the required one. The future
   * fails only when the database cannot be read; every finding about the ledger is a result with verified=false.
   */
  public Future<VerificationResult> verify(Options options) {
    Future<List<KeyIdentity>> registered = options.trustedKeys() == null
        ? checkpoints.keys() : Future.succeededFuture(List.of());
    // a required checkpoint may reach past the entries the database holds; that is found before reading them all
    Future<Long> end = options.requiredCheckpointNote() == null ? Future.succeededFuture(-1L) : storedEnd();
    return Future.all(registered, entries.prunedBelow(), checkpoints.latest(), end).compose(all -> {
      List<KeyIdentity> keys = all.resultAt(0);
      long from = all.<Long>resultAt(1);
      Optional<StoredCheckpoint> latest = all.resultAt(2);
      long stored = all.<Long>resultAt(3);
      return vertx.executeBlocking(() -> plan(options, keys, from, latest, stored), true).compose(plan -> plan.early() != null
          ? Future.succeededFuture(plan.early())
          : run(plan, from, options.maxCheckpoints()));
    });
  }

  /** Parses the keys and opens the required checkpoint (signature checks: a worker thread's job). */
  private Plan plan(Options options, List<KeyIdentity> registered, long from, Optional<StoredCheckpoint> latest,
                    long storedEnd) {
    List<VerifierKey> trusted = options.trustedKeys();
    if (trusted == null) {
      trusted = new ArrayList<>();
      for (KeyIdentity k : registered) {
        try {
          trusted.add(VerifierKey.parse(k.vkey()));
        } catch (NoteException e) {
          return Plan.answer(new VerificationResult(false, NoteException.MALFORMED_KEY, null, null, null, k.keyId()));
        }
      }
    }
    String note = options.requiredCheckpointNote();
    long requiredSize = -1;
    if (note != null) {
      try {
        requiredSize = Checkpoint.parse(SignedNote.open(note, trusted).body()).size();
      } catch (NoteException e) {
        return Plan.answer(VerificationResult.failed(e.reason(), null, 0, 0, "required checkpoint: " + e.getMessage()));
      }
      if (requiredSize < from) {
        return Plan.answer(VerificationResult.failed(VerificationResult.NOT_COVERED, null, 0, 0, "required checkpoint "
            + requiredSize + " is older than the first stored entry " + from + " (the entries before it were pruned)"));
      }
      if (requiredSize > storedEnd) {
        return Plan.answer(VerificationResult.failed(VerificationResult.ENTRY_MISSING, storedEnd, 0, 0,
            "the database holds entries up to " + storedEnd + " (exclusive) but the required checkpoint covers "
                + requiredSize));
      }
    }
    if (latest.isEmpty() && note == null) {
      return Plan.answer(new VerificationResult(true, VerificationResult.OK, null, 0L, 0L, "no checkpoint yet"));
    }
    long to = Math.max(latest.map(StoredCheckpoint::size).orElse(0L), requiredSize);
    return new Plan(trusted, note, requiredSize, to, null);
  }

  private Future<VerificationResult> run(Plan plan, long from, int maxCheckpoints) {
    long to = plan.to();
    return checkpoints.spread(from + 1, to, maxCheckpoints).compose(chosen -> {
      List<Subtree> left = ProofPlan.decompose(0, from);
      return tree.hashes(left).compose(leftHashes -> vertx.executeBlocking(() -> {
        LedgerVerifier verifier = new LedgerVerifier(origin, plan.trusted());
        verifier.begin(from, left.stream().map(leftHashes::get).toList(), inputs(chosen, plan));
        return verifier;
      }, true)).compose(verifier -> page(verifier, from, to)
          .compose(x -> vertx.executeBlocking(() -> verifier.finish(to), true)));
    }).compose(result -> result.verified() ? checkTiles(result) : Future.succeededFuture(result));
  }

  /** The stored checkpoints with the required one in its place by size (ascending, as the verifier wants them). */
  private static List<CheckpointInput> inputs(List<StoredCheckpoint> chosen, Plan plan) {
    List<CheckpointInput> out = new ArrayList<>(chosen.size() + 1);
    boolean placed = plan.required() == null;
    for (StoredCheckpoint c : chosen) {
      if (!placed && plan.requiredSize() < c.size()) {
        out.add(new CheckpointInput(plan.required(), List.of()));
        placed = true;
      }
      if (!placed && plan.requiredSize() == c.size() && plan.required().equals(c.note())) {
        // the very note is stored: checking it twice proves nothing more
        placed = true;
      }
      out.add(new CheckpointInput(c.note(), List.of()));
    }
    if (!placed) {
      out.add(new CheckpointInput(plan.required(), List.of()));
    }
    return out;
  }

  /** Feeds entries [next, to) page by page; hashing happens on a worker thread, in order. */
  private Future<Void> page(LedgerVerifier verifier, long next, long to) {
    // after a failure the verifier ignores further entries, so reading the rest of the table would be wasted
    if (next >= to || verifier.failed()) {
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

  /** One past the highest stored entry index (0 when there are none). */
  private Future<Long> storedEnd() {
    return sql.query("SELECT coalesce(max(idx) + 1, 0) FROM audit.entries").execute()
        .map(rs -> rs.iterator().next().getLong(0));
  }

  /** Every stored tile above level 0 must hold the roots of the 256 tiles below it; checked one tile at a time. */
  private Future<VerificationResult> checkTiles(VerificationResult ok) {
    return sql.query("SELECT level, idx FROM audit.tiles WHERE level > 0 ORDER BY level, idx").execute().compose(rs -> {
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
    return tree.tiles(wanted)
        .compose(found -> vertx.executeBlocking(() -> compareTile(ref, found, ok), true))
        .compose(failure -> failure != null ? Future.succeededFuture(failure) : checkTile(upper, i + 1, ok));
  }

  /** The failure for the first child of {@code ref} whose root it does not hold, or null when all agree. */
  private static VerificationResult compareTile(TileRef ref, Map<TileRef, byte[]> found, VerificationResult ok) {
    byte[] hashes = found.get(ref);
    for (int j = 0; j < Tiles.WIDTH; j++) {
      byte[] child = found.get(new TileRef(ref.level() - 1, ref.index() * Tiles.WIDTH + j));
      byte[] expected = Arrays.copyOfRange(hashes, j * 32, j * 32 + 32);
      if (child == null || child.length != Tiles.WIDTH * 32 || !Arrays.equals(Tiles.tileRoot(child), expected)) {
        long firstLeaf = (ref.index() * Tiles.WIDTH + j) << (Tiles.HEIGHT * ref.level());
        return VerificationResult.failed(VerificationResult.HASH_MISMATCH, firstLeaf, ok.entries(), ok.checkpoints(),
            "tile " + ref.level() + "/" + ref.index() + " disagrees with the tiles below it");
      }
    }
    return null;
  }
}
