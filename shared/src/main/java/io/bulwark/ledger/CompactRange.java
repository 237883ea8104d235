package io.bulwark.ledger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A streaming RFC 6962 tree root: the hashes of the maximal perfect subtrees of {@code [0, size)}, one per set bit of
 * the size. Appending a leaf costs one leaf hash plus, amortised, one node hash. Not thread-safe (it reuses one
 * digest and one buffer, so a verifier can stream millions of leaves without allocating per leaf).
 */
public final class CompactRange {
  private static final int HASH = 32;

  private final MerkleHash.Hasher hasher = MerkleHash.hasher();
  /** The subtree hashes, left (largest) to right, {@code count * 32} bytes used. */
  private final byte[] stack;
  private final byte[] carry = new byte[HASH];
  private int count;
  private long size;

  public CompactRange() {
    stack = new byte[64 * HASH];
  }

  private CompactRange(CompactRange other) {
    stack = other.stack.clone();
    count = other.count;
    size = other.size;
  }

  /** A range over {@code [0, size)} from the hashes of {@code ProofPlan.decompose(0, size)}, left to right. */
  public static CompactRange fromPrefix(long size, List<byte[]> hashes) {
    if (size < 0 || hashes.size() != Long.bitCount(size)) {
      throw new IllegalArgumentException("a prefix of size " + size + " has " + Long.bitCount(Math.max(size, 0))
          + " subtree hashes, not " + hashes.size());
    }
    CompactRange r = new CompactRange();
    for (byte[] h : hashes) {
      checkHash(h);
      System.arraycopy(h, 0, r.stack, r.count++ * HASH, HASH);
    }
    r.size = size;
    return r;
  }

  /** Appends one leaf by its leaf hash. */
  public void appendLeafHash(byte[] leafHash) {
    checkHash(leafHash);
    push(0, leafHash, 0);
  }

  /** Appends one leaf by its data (hashed with this range's digest); returns nothing to avoid allocating. */
  public void appendLeafData(byte[] entry, int off, int len) {
    hasher.leafInto(entry, off, len, carry, 0);
    push(0, carry, 0);
  }

  /** Appends a perfect subtree, which must start at {@link #size()} and be aligned to its width. */
  public void appendSubtree(Subtree s, byte[] hash) {
    checkHash(hash);
    if (s.start() != size) {
      throw new IllegalArgumentException(s + " starts at " + s.start() + ", not at the end of the range (" + size + ")");
    }
    if (size != 0 && Long.numberOfTrailingZeros(size) < s.level()) {
      throw new IllegalArgumentException(s + " is not aligned after " + size + " leaves");
    }
    push(s.level(), hash, 0);
  }

  private void push(int level, byte[] h, int off) {
    if (size > Long.MAX_VALUE - (1L << level)) {
      throw new IllegalStateException("the tree is full");
    }
    if (h != carry) {
      System.arraycopy(h, off, carry, 0, HASH);
    }
    long s = size >>> level;
    // merge with the right-most subtrees while they are this one's left siblings
    while ((s & 1) == 1) {
      count--;
      hasher.nodeInto(stack, count * HASH, carry, 0, carry, 0);
      s >>>= 1;
    }
    System.arraycopy(carry, 0, stack, count++ * HASH, HASH);
    size += 1L << level;
  }

  public long size() {
    return size;
  }

  /** The RFC 6962 root of {@code [0, size)}. */
  public byte[] root() {
    if (count == 0) {
      return MerkleHash.emptyRoot();
    }
    byte[] r = Arrays.copyOfRange(stack, (count - 1) * HASH, count * HASH);
    for (int i = count - 2; i >= 0; i--) {
      hasher.nodeInto(stack, i * HASH, r, 0, r, 0);
    }
    return r;
  }

  /** The root compared with {@code expected} without allocating the root. */
  public boolean rootEquals(byte[] expected) {
    return Arrays.equals(root(), expected);
  }

  /** The subtree hashes, left to right (those of {@code ProofPlan.decompose(0, size)}). */
  public List<byte[]> hashes() {
    List<byte[]> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(Arrays.copyOfRange(stack, i * HASH, (i + 1) * HASH));
    }
    return out;
  }

  /** An independent copy (its own digest), e.g. to follow a second set of hashes from here on. */
  public CompactRange copy() {
    return new CompactRange(this);
  }

  private static void checkHash(byte[] h) {
    if (h == null || h.length != HASH) {
      throw new IllegalArgumentException("a hash has 32 bytes, not " + (h == null ? "null" : h.length));
    }
  }
}
