package io.bulwark.ledger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * RFC 6962 / RFC 9162 proof shapes as subtree coordinates, so a store can fetch every hash a proof needs in one batch.
 * A proof node is a list of perfect subtrees: one for an interior node, several for a node on the right edge of a tree
 * whose size is not a power of two (that node covers a range, whose hash is the RFC 6962 fold of its parts).
 */
public final class ProofPlan {
  private ProofPlan() {}

  /** {@code [begin, end)} as maximal aligned perfect subtrees, left to right (the compact range of the interval). */
  public static List<Subtree> decompose(long begin, long end) {
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("bad range [" + begin + ", " + end + ")");
    }
    List<Subtree> out = new ArrayList<>();
    while (begin < end) {
      // as large as both the alignment of begin and the room left allow
      int level = 63 - Long.numberOfLeadingZeros(end - begin);
      if (begin != 0) {
        level = Math.min(level, Long.numberOfTrailingZeros(begin));
      }
      out.add(new Subtree(level, begin >> level));
      begin += 1L << level;
    }
    return out;
  }

  /** The inclusion proof of leaf {@code index} in a tree of {@code size} leaves (RFC 9162 2.1.3.1), bottom-up. */
  public static List<List<Subtree>> inclusion(long index, long size) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("leaf " + index + " is not in a tree of size " + size);
    }
    List<List<Subtree>> out = new ArrayList<>();
    long lo = 0;
    long hi = size;
    // PATH(m, D[lo:hi]) top-down; the nodes are collected top-down and reversed at the end
    while (hi - lo > 1) {
      long k = Long.highestOneBit(hi - lo - 1);
      if (index < lo + k) {
        out.add(decompose(lo + k, hi));
        hi = lo + k;
      } else {
        out.add(decompose(lo, lo + k));
        lo += k;
      }
    }
    Collections.reverse(out);
    return out;
  }

  /** The consistency proof from {@code size1} to {@code size2} (RFC 9162 2.1.4.1 SUBPROOF), bottom-up. */
  public static List<List<Subtree>> consistency(long size1, long size2) {
    if (size1 < 1 || size2 < size1) {
      throw new IllegalArgumentException("no consistency proof from " + size1 + " to " + size2);
    }
    List<List<Subtree>> out = new ArrayList<>();
    long m = size1;
    long lo = 0;
    long hi = size2;
    boolean complete = true;
    // SUBPROOF(m, D[lo:hi], b) top-down; reversed at the end
    while (true) {
      if (lo + m == hi) {
        if (!complete) {
          out.add(decompose(lo, hi));
        }
        break;
      }
      long k = Long.highestOneBit(hi - lo - 1);
      if (m <= k) {
        out.add(decompose(lo + k, hi));
        hi = lo + k;
      } else {
        out.add(decompose(lo, lo + k));
        m -= k;
        lo += k;
        complete = false;
      }
    }
    Collections.reverse(out);
    return out;
  }

  /** The RFC 6962 hash of the contiguous range {@code parts} cover, folded right to left as the RFC tree does. */
  public static byte[] rangeHash(List<Subtree> parts, SubtreeHashes hashes) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("an empty range has no hash");
    }
    MerkleHash.Hasher h = MerkleHash.hasher();
    byte[] r = hashes.hash(parts.get(parts.size() - 1));
    for (int i = parts.size() - 2; i >= 0; i--) {
      r = h.node(hashes.hash(parts.get(i)), r);
    }
    return r;
  }

  /** The hashes of a planned proof, in order. */
  public static List<byte[]> resolve(List<List<Subtree>> plan, SubtreeHashes hashes) {
    List<byte[]> out = new ArrayList<>(plan.size());
    for (List<Subtree> node : plan) {
      out.add(rangeHash(node, hashes));
    }
    return out;
  }

  /** The root of a tree of {@code size} leaves; the empty tree's root is SHA-256 of the empty string. */
  public static byte[] root(long size, SubtreeHashes hashes) {
    return size == 0 ? MerkleHash.emptyRoot() : rangeHash(decompose(0, size), hashes);
  }

  /** Every subtree a plan refers to (what to fetch). */
  public static List<Subtree> subtrees(List<List<Subtree>> plan) {
    List<Subtree> out = new ArrayList<>();
    plan.forEach(out::addAll);
    return out;
  }
}
