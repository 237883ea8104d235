package io.bulwark.ledger;

import static io.bulwark.ledger.VerificationResult.ENTRY_CHANGED;
import static io.bulwark.ledger.VerificationResult.ENTRY_INSERTED;
import static io.bulwark.ledger.VerificationResult.ENTRY_MALFORMED;
import static io.bulwark.ledger.VerificationResult.ENTRY_MISSING;
import static io.bulwark.ledger.VerificationResult.ENTRY_OUT_OF_PLACE;
import static io.bulwark.ledger.VerificationResult.HASH_MISMATCH;
import static io.bulwark.ledger.VerificationResult.INCLUSION_FAILED_REASON;

import java.util.Arrays;

/**
 * Names what happened to an entry whose leaf hash differs from its recorded (tile) hash, for {@link LedgerVerifier}.
 *
 * <p>From that entry on it follows a second {@link CompactRange} fed with the recorded hashes, so a checkpoint can tell
 * whether the entries or the recorded hashes are authentic, and it keeps the embedded indexes of the differing entry,
 * the one after it and the one at the index it claims: enough to tell a changed, inserted, missing or moved entry.
 */
final class TamperExplainer {
  /** A failure to report: reason, index and detail as in {@link VerificationResult}. */
  record Finding(String reason, Long index, String detail) {}

  private CompactRange alt;
  private long firstDiff = -1;
  private byte[] diffLeaf;
  private Long diffClaim;
  private Long nextClaim;
  private Long claimAtTarget;
  /** An explanation waiting for the entry at {@code diffClaim} (to tell a swap). */
  private boolean deferred;

  /**
   * Notes the entry at {@code index} (its leaf hash in {@code leafHash}, its recorded hash if any) before it joins
   * {@code main}, the range of the entries' own hashes: the recorded-hash range starts as a copy of it.
   */
  void observe(long index, byte[] leaf, byte[] leafHash, byte[] recordedHash, CompactRange main) {
    if (firstDiff < 0) {
      if (recordedHash != null && !Arrays.equals(recordedHash, leafHash)) {
        firstDiff = index;
        alt = main.copy();
        diffLeaf = leaf.clone();
        diffClaim = CanonicalJson.embeddedIndex(leaf);
      }
    } else {
      if (index == firstDiff + 1) {
        nextClaim = CanonicalJson.embeddedIndex(leaf);
      }
      if (diffClaim != null && index == diffClaim) {
        claimAtTarget = CanonicalJson.embeddedIndex(leaf);
      }
    }
    if (alt != null) {
      alt.appendLeafHash(recordedHash != null ? recordedHash : leafHash);
    }
  }

  /** The first entry whose recorded hash differs, or -1. */
  long firstDiff() {
    return firstDiff;
  }

  /** The range of the recorded hashes since {@link #firstDiff()}, or null while none differed. */
  CompactRange recorded() {
    return alt;
  }

  /** Whether the explanation waits for a later entry (the one at the index the differing entry claims). */
  boolean deferred() {
    return deferred;
  }

  /**
   * While {@link #deferred()}: the entry at {@code index} (the next expected, {@code next}); the finding once it is the
   * awaited one, else null.
   */
  Finding awaited(long index, byte[] leaf, long next) {
    if (index != diffClaim) {
      return null;
    }
    claimAtTarget = CanonicalJson.embeddedIndex(leaf);
    return explain(next);
  }

  /**
   * Whether the entries' own indexes show the differing entry is not simply changed (no index, another index, or the
   * next entry claiming its index), which explains a root neither set of hashes reproduces.
   */
  boolean structuralEvidence() {
    return firstDiff >= 0
        && (diffClaim == null || diffClaim != firstDiff || (nextClaim != null && nextClaim == firstDiff));
  }

  /**
   * Names what happened at {@code firstDiff}, the first entry whose bytes no longer match the ledger, with
   * {@code next} the next index expected; null when it waits for the entry at the index claimed (to tell a swap).
   */
  Finding explain(long next) {
    long p = firstDiff;
    if (diffClaim == null) {
      deferred = false;
      return new Finding(ENTRY_MALFORMED, p, CanonicalJson.parse(diffLeaf) == null ? "entry " + p + " is not JSON"
          : "entry " + p + " has no index");
    }
    long e = diffClaim;
    if (e == p) {
      if (nextClaim != null && nextClaim == p) {
        return new Finding(ENTRY_INSERTED, p, "entry " + p + " was inserted: the next entry also says it is " + p);
      } else if (!CanonicalJson.isCanonical(diffLeaf)) {
        return new Finding(ENTRY_MALFORMED, p, "entry " + p + " was changed and is not canonical JSON");
      } else {
        return new Finding(ENTRY_CHANGED, p, "entry " + p + " was changed");
      }
    }
    if (e < p) {
      return new Finding(ENTRY_INSERTED, p, "the entry at " + p + " says it is entry " + e);
    }
    if (claimAtTarget == null && e < Long.MAX_VALUE && !deferred && e >= next) {
      // wait for the entry at e: if it says p, the two were swapped
      deferred = true;
      return null;
    }
    deferred = false;
    if (claimAtTarget != null && claimAtTarget == p) {
      return new Finding(ENTRY_OUT_OF_PLACE, p, "entries " + p + " and " + e + " swapped");
    } else if (e == p + 1 && (nextClaim == null || nextClaim == p + 2)) {
      return new Finding(ENTRY_MISSING, p, "entry " + p + " is missing: the entry at " + p + " says it is " + e);
    } else {
      return new Finding(ENTRY_OUT_OF_PLACE, p, "the entry at " + p + " says it is entry " + e);
    }
  }

  /**
   * Names why the entry at {@code index} of a sparse export failed against the checkpoint of {@code size}: its bytes
   * are proven but its recorded hash differs, the recorded hash is proven but not the bytes, or neither is (then its
   * embedded index may show it was moved).
   */
  static Finding unproven(long index, byte[] leaf, boolean entryProven, boolean recordProven, long size) {
    if (entryProven) {
      return new Finding(HASH_MISMATCH, index, "entry " + index + " is proven but its recorded hash differs");
    }
    if (recordProven) {
      return new Finding(ENTRY_CHANGED, index, "the recorded hash of entry " + index + " is proven, its bytes are not");
    }
    Long claim = CanonicalJson.embeddedIndex(leaf);
    if (claim != null && claim != index) {
      return new Finding(ENTRY_OUT_OF_PLACE, index, "entry at " + index + " says it is entry " + claim);
    }
    return new Finding(INCLUSION_FAILED_REASON, index, "entry " + index + " is not included in checkpoint " + size);
  }
}
