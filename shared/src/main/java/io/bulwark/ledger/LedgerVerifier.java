package io.bulwark.ledger;

import static io.bulwark.ledger.VerificationResult.CONSISTENCY_FAILED;
import static io.bulwark.ledger.VerificationResult.ENTRY_INSERTED;
import static io.bulwark.ledger.VerificationResult.ENTRY_MISSING;
import static io.bulwark.ledger.VerificationResult.ENTRY_OUT_OF_PLACE;
import static io.bulwark.ledger.VerificationResult.HASH_MISMATCH;
import static io.bulwark.ledger.VerificationResult.MALFORMED_BUNDLE;
import static io.bulwark.ledger.VerificationResult.NOT_COVERED;
import static io.bulwark.ledger.VerificationResult.ROOT_MISMATCH;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Streams ledger entries against signed checkpoints and stops at the first failure (later calls are no-ops).
 *
 * <p>Contiguous mode ({@link #begin}): entries {@code from, from+1, ...} are hashed into a {@link CompactRange} started
 * from the left edge; at each checkpoint size the root must be the signed one (checkpoints beyond the last entry are
 * completed with their right edge in {@link #finish}). Entries are parsed only to explain a failure: the first entry
 * whose leaf hash differs from its recorded (tile) hash starts a second range fed with the recorded hashes, so the
 * next checkpoint tells whether the entries ({@code hash-mismatch}: the tile changed) or the recorded hashes
 * ({@code entry-changed} and friends, at the exact index) are authentic; {@link TamperExplainer} names which.
 *
 * <p>Sparse mode ({@link #beginSparse}): each entry carries an inclusion proof against the last checkpoint.
 */
public final class LedgerVerifier {
  /** A signed checkpoint note and the hashes of {@code ProofPlan.decompose(to, size)} when it reaches past the entries. */
  public record CheckpointInput(String note, List<byte[]> rightEdge) {
    public CheckpointInput {
      rightEdge = rightEdge == null ? List.of() : List.copyOf(rightEdge);
    }
  }

  private record Cp(Checkpoint checkpoint, List<byte[]> rightEdge) {
    long size() {
      return checkpoint.size();
    }
  }

  private final String origin;
  private final List<VerifierKey> trusted;
  private final MerkleHash.Hasher hasher = MerkleHash.hasher();
  private final byte[] leafHash = new byte[32];

  private VerificationResult failure;
  private boolean begun;
  private boolean sparse;
  private List<Cp> cps = List.of();
  private int nextCp;
  private long from;
  private long next;
  private long entries;
  private long verifiedCheckpoints;
  private long lastVerifiedSize;
  private long lastSparseIndex = -1;
  private CompactRange main;
  /** The first entry whose leaf hash differs from its recorded hash, and what is needed to explain it. */
  private final TamperExplainer tamper = new TamperExplainer();

  // an index sequence that jumped: the position expected, and the index found there
  private long gapAt = -1;
  private long gapClaim;

  public LedgerVerifier(String origin, Collection<VerifierKey> trusted) {
    this.origin = origin;
    this.trusted = List.copyOf(trusted);
  }

  /** Starts contiguous verification at entry {@code from}; {@code leftEdge} hashes {@code ProofPlan.decompose(0, from)}. */
  public void begin(long from, List<byte[]> leftEdge, List<CheckpointInput> checkpoints) {
    if (!start(checkpoints)) {
      return;
    }
    if (from < 0 || leftEdge == null || leftEdge.size() != Long.bitCount(from) || !allHashes(leftEdge)) {
      fail(MALFORMED_BUNDLE, null, "the left edge of " + from + " needs " + Long.bitCount(Math.max(0, from)) + " hashes");
      return;
    }
    this.from = from;
    this.next = from;
    this.lastVerifiedSize = from;
    for (Cp cp : cps) {
      if (cp.size() < from) {
        fail(MALFORMED_BUNDLE, null, "checkpoint " + cp.size() + " is before the first entry " + from);
        return;
      }
      if (!allHashes(cp.rightEdge())) {
        fail(MALFORMED_BUNDLE, null, "bad right edge hash for checkpoint " + cp.size());
        return;
      }
    }
    main = CompactRange.fromPrefix(from, leftEdge);
    checkDueCheckpoints();
  }

  /** Starts sparse verification: entries come with inclusion proofs against the last checkpoint. */
  public void beginSparse(List<CheckpointInput> checkpoints) {
    if (start(checkpoints)) {
      sparse = true;
      verifiedCheckpoints = cps.size();
    }
  }

  private boolean start(List<CheckpointInput> checkpoints) {
    if (begun) {
      throw new IllegalStateException("begin was already called");
    }
    begun = true;
    if (checkpoints == null || checkpoints.isEmpty()) {
      fail(MALFORMED_BUNDLE, null, "no checkpoint to verify against");
      return false;
    }
    List<Cp> out = new ArrayList<>();
    for (CheckpointInput in : checkpoints) {
      Checkpoint cp;
      try {
        cp = Checkpoint.parse(SignedNote.open(in.note(), trusted).body());
      } catch (NoteException e) {
        fail(e.reason(), null, "checkpoint " + unverifiedSize(in.note()) + ": " + e.getMessage());
        return false;
      }
      if (!cp.origin().equals(origin)) {
        fail(NoteException.ORIGIN_MISMATCH, null, "checkpoint " + cp.size() + " is for '" + cp.origin()
            + "', not '" + origin + "'");
        return false;
      }
      if (!out.isEmpty()) {
        Cp prev = out.get(out.size() - 1);
        if (prev.size() == cp.size() && !Arrays.equals(prev.checkpoint().rootHash(), cp.rootHash())) {
          fail(CONSISTENCY_FAILED, null, "two signed roots for size " + cp.size());
          return false;
        }
        if (prev.size() > cp.size()) {
          fail(MALFORMED_BUNDLE, null, "checkpoints are not in ascending size (" + prev.size() + ", " + cp.size() + ")");
          return false;
        }
      }
      out.add(new Cp(cp, in.rightEdge()));
    }
    cps = out;
    return true;
  }

  /** Checks an explicit consistency proof between two of the checkpoints. */
  public void acceptConsistency(long size1, long size2, List<byte[]> proof) {
    if (failure != null || !begun) {
      return;
    }
    Cp a = checkpoint(size1);
    Cp b = checkpoint(size2);
    if (a == null || b == null) {
      fail(MALFORMED_BUNDLE, null, "consistency proof " + size1 + " to " + size2 + " is not between given checkpoints");
      return;
    }
    try {
      Proofs.verifyConsistency(size1, size2, proof, a.checkpoint().rootHash(), b.checkpoint().rootHash());
    } catch (ProofException e) {
      fail(CONSISTENCY_FAILED, null, "checkpoints " + size1 + " to " + size2 + ": " + e.getMessage());
    }
  }

  /** The entry at {@code index} (contiguous mode): its exact bytes and the leaf hash recorded for it, if any. */
  public void accept(long index, byte[] leaf, byte[] recordedHash) {
    accept(index, leaf, null, 0, recordedHash);
  }

  /**
   * As {@link #accept(long, byte[], byte[])} with the leaf hash already computed at {@code known[knownOff..]} (by a
   * parsing thread), or null to hash here; the leaf bytes are then only read to explain a failure.
   */
  void accept(long index, byte[] leaf, byte[] known, int knownOff, byte[] recordedHash) {
    if (failure != null || !begun) {
      return;
    }
    if (sparse) {
      fail(MALFORMED_BUNDLE, index, "a sparse export needs an inclusion proof per entry");
      return;
    }
    if (gapAt >= 0) {
      // after a jump only the index sequence matters: does the skipped index turn up later?
      if (index == gapAt) {
        fail(ENTRY_OUT_OF_PLACE, gapAt, "entry " + gapAt + " appears after " + gapClaim
            + (index == gapClaim ? " (entries " + gapAt + " and " + gapClaim + " swapped)" : ""));
      }
      return;
    }
    if (index != next) {
      if (index > next) {
        gapAt = next;
        gapClaim = index;
      } else {
        fail(ENTRY_INSERTED, index, "index " + index + " appears again after " + (next - 1));
      }
      return;
    }
    if (tamper.deferred()) {
      report(tamper.awaited(index, leaf, next));
      next++;
      return;
    }
    if (next >= cps.get(cps.size() - 1).size()) {
      fail(NOT_COVERED, next, "entries after " + cps.get(cps.size() - 1).size() + " are not covered by a checkpoint");
      return;
    }
    if (recordedHash != null && recordedHash.length != 32) {
      fail(MALFORMED_BUNDLE, index, "recorded hash of entry " + index + " has " + recordedHash.length + " bytes");
      return;
    }
    if (known != null) {
      System.arraycopy(known, knownOff, leafHash, 0, 32);
    } else {
      hasher.leafInto(leaf, 0, leaf.length, leafHash, 0);
    }
    tamper.observe(next, leaf, leafHash, recordedHash, main);
    main.appendLeafHash(leafHash);
    next++;
    entries++;
    checkDueCheckpoints();
  }

  /** An entry of a sparse export with its inclusion proof against the last checkpoint. */
  public void acceptProven(long index, byte[] leaf, byte[] recordedHash, List<byte[]> proof) {
    if (failure != null || !begun) {
      return;
    }
    if (!sparse) {
      fail(MALFORMED_BUNDLE, index, "inclusion proofs belong to a sparse export");
      return;
    }
    if (index <= lastSparseIndex) {
      fail(index == lastSparseIndex ? ENTRY_INSERTED : ENTRY_OUT_OF_PLACE, index,
          "index " + index + " after " + lastSparseIndex);
      return;
    }
    lastSparseIndex = index;
    Checkpoint last = cps.get(cps.size() - 1).checkpoint();
    if (index >= last.size()) {
      fail(NOT_COVERED, index, "entry " + index + " is beyond the last checkpoint (" + last.size() + ")");
      return;
    }
    byte[] h = hasher.leaf(leaf);
    boolean entryProven = proves(index, h, proof, last);
    boolean recordDiffers = recordedHash != null && !Arrays.equals(recordedHash, h);
    if (entryProven && !recordDiffers) {
      entries++;
    } else {
      // the recorded hash is only tried when the bytes are not proven
      boolean recordProven = !entryProven && recordDiffers && proves(index, recordedHash, proof, last);
      report(TamperExplainer.unproven(index, leaf, entryProven, recordProven, last.size()));
    }
  }

  /** The result; checkpoints beyond the last entry are completed here with their right edges. */
  public VerificationResult finish() {
    if (failure == null && !begun) {
      fail(MALFORMED_BUNDLE, null, "nothing to verify");
    }
    if (failure == null && gapAt >= 0) {
      fail(ENTRY_MISSING, gapAt, "entries jump from " + (gapAt - 1) + " to " + gapClaim);
    }
    if (failure == null && tamper.deferred()) {
      report(tamper.explain(next));
    }
    if (failure == null && !sparse) {
      for (; nextCp < cps.size() && failure == null; nextCp++) {
        Cp cp = cps.get(nextCp);
        List<Subtree> parts = ProofPlan.decompose(next, cp.size());
        if (parts.size() != cp.rightEdge().size()) {
          fail(MALFORMED_BUNDLE, null, "checkpoint " + cp.size() + " needs " + parts.size() + " right edge hashes after "
              + next + ", has " + cp.rightEdge().size());
          break;
        }
        CompactRange alt = tamper.recorded();
        checkRoot(cp, extend(main, parts, cp.rightEdge()), alt == null ? null : extend(alt, parts, cp.rightEdge()));
      }
    }
    long firstDiff = tamper.firstDiff();
    if (failure == null && firstDiff >= 0) {
      // every checkpoint was reproduced by the entries, yet a recorded hash differs
      fail(HASH_MISMATCH, firstDiff, "recorded hash of entry " + firstDiff + " differs from its leaf hash");
    }
    return failure != null ? failure : VerificationResult.ok(entries, verifiedCheckpoints);
  }

  /**
   * As {@link #finish()}, also requiring that the entries ended at {@code to} (exclusive): fewer is
   * {@code entry-missing} at the first absent index.
   */
  public VerificationResult finish(long to) {
    if (failure == null && begun && !sparse && gapAt < 0 && !tamper.deferred() && next != to) {
      if (next < to) {
        fail(ENTRY_MISSING, next, "entries end at " + next + ", the export says " + to);
      } else {
        fail(MALFORMED_BUNDLE, null, "entries run to " + next + ", past the export's end " + to);
      }
    }
    return finish();
  }

  /** Records a failure found outside the hashes (e.g. a display copy that differs from the entry's bytes). */
  public void reject(String reason, Long index, String detail) {
    fail(reason, index, detail);
  }

  /** Whether verification has already failed (callers may stop feeding entries). */
  public boolean failed() {
    return failure != null;
  }

  private static CompactRange extend(CompactRange r, List<Subtree> parts, List<byte[]> hashes) {
    CompactRange c = r.copy();
    for (int i = 0; i < parts.size(); i++) {
      c.appendSubtree(parts.get(i), hashes.get(i));
    }
    return c;
  }

  private void checkDueCheckpoints() {
    while (failure == null && !tamper.deferred() && nextCp < cps.size() && cps.get(nextCp).size() == next) {
      Cp cp = cps.get(nextCp++);
      if (!cp.rightEdge().isEmpty()) {
        fail(MALFORMED_BUNDLE, null, "checkpoint " + cp.size() + " is reached by the entries but has a right edge");
        return;
      }
      checkRoot(cp, main, tamper.recorded());
    }
  }

  private void checkRoot(Cp cp, CompactRange entriesRange, CompactRange recordedRange) {
    byte[] signed = cp.checkpoint().rootHash();
    if (entriesRange.rootEquals(signed)) {
      if (tamper.firstDiff() >= 0) {
        fail(HASH_MISMATCH, tamper.firstDiff(), "the entries reproduce checkpoint " + cp.size()
            + " but the recorded hash of entry " + tamper.firstDiff() + " differs (the tile was changed)");
        return;
      }
      verifiedCheckpoints++;
      lastVerifiedSize = Math.max(lastVerifiedSize, Math.min(cp.size(), next));
      return;
    }
    // the recorded hashes are the authentic ones, or the entries' own indexes show what was done to them
    if ((recordedRange != null && recordedRange.rootEquals(signed)) || tamper.structuralEvidence()) {
      report(tamper.explain(next));
      return;
    }
    fail(ROOT_MISMATCH, lastVerifiedSize, "checkpoint " + cp.size() + " is not reproduced by the entries after "
        + lastVerifiedSize + (tamper.firstDiff() >= 0 ? " nor by their recorded hashes" : ""));
  }

  private boolean proves(long index, byte[] h, List<byte[]> proof, Checkpoint cp) {
    try {
      Proofs.verifyInclusion(index, cp.size(), h, proof, cp.rootHash());
      return true;
    } catch (ProofException e) {
      return false;
    }
  }

  private Cp checkpoint(long size) {
    for (Cp cp : cps) {
      if (cp.size() == size) {
        return cp;
      }
    }
    return null;
  }

  private static boolean allHashes(List<byte[]> hashes) {
    return hashes.stream().allMatch(h -> h != null && h.length == 32);
  }

  private static String unverifiedSize(String note) {
    try {
      return Long.toString(Checkpoint.parse(SignedNote.unverifiedBody(note)).size());
    } catch (NoteException | RuntimeException e) {
      return "(unreadable)";
    }
  }

  /** Reports what the explainer found, if it found something yet. */
  private void report(TamperExplainer.Finding f) {
    if (f != null) {
      fail(f.reason(), f.index(), f.detail());
    }
  }

  private void fail(String reason, Long index, String detail) {
    if (failure == null) {
      failure = VerificationResult.failed(reason, index, entries, verifiedCheckpoints, detail);
    }
  }
}
