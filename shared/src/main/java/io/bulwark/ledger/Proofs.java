package io.bulwark.ledger;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/** RFC 9162 proof verification: inclusion (section 2.1.3.2) and consistency (section 2.1.4.2). */
public final class Proofs {
  private static final int HASH = 32;

  private Proofs() {}

  /** Checks that {@code leafHash} is leaf {@code index} of the tree of {@code size} leaves with root {@code root}. */
  public static void verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root)
      throws ProofException {
    checkHash("root", root);
    byte[] computed = rootFromInclusion(index, size, leafHash, proof);
    // constant-time comparison costs nothing here and avoids an oracle for callers who expose the answer
    if (!MessageDigest.isEqual(computed, root)) {
      throw new ProofException("inclusion proof for leaf " + index + " of " + size + " gives a different root");
    }
  }

  /** The root that an inclusion proof leads to (it still has to be compared with a trusted root). */
  public static byte[] rootFromInclusion(long index, long size, byte[] leafHash, List<byte[]> proof)
      throws ProofException {
    if (index < 0 || index >= size) {
      throw new ProofException("leaf " + index + " is not in a tree of size " + size);
    }
    checkHash("leaf hash", leafHash);
    checkAll(proof);
    MerkleHash.Hasher h = MerkleHash.hasher();
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0) {
        throw new ProofException("inclusion proof is too long for leaf " + index + " of " + size);
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = h.node(p, r);
        // skip the levels where this node is the right edge with no sibling
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = h.node(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw new ProofException("inclusion proof is too short for leaf " + index + " of " + size);
    }
    return r;
  }

  /**
   * Checks that the tree of {@code size2} leaves with root {@code root2} extends the one of {@code size1} leaves with
   * root {@code root1}. Equal sizes need an empty proof and equal roots; a proof from the empty tree (even to the
   * empty tree) proves nothing and is refused, as RFC 9162 defines proofs for {@code 0 < size1}.
   */
  public static void verifyConsistency(long size1, long size2, List<byte[]> proof, byte[] root1, byte[] root2)
      throws ProofException {
    if (size1 < 0 || size2 < size1) {
      throw new ProofException("no consistency between sizes " + size1 + " and " + size2);
    }
    if (size1 == 0) {
      // RFC 9162 defines proofs for 0 < size1; any tree extends the empty one, so such a proof proves nothing
      throw new ProofException("a consistency proof from the empty tree proves nothing");
    }
    if (size1 == size2) {
      if (!proof.isEmpty()) {
        throw new ProofException("equal sizes need an empty consistency proof");
      }
      if (root1 == null || root2 == null || !MessageDigest.isEqual(root1, root2)) {
        throw new ProofException("equal sizes " + size1 + " but different roots");
      }
      return;
    }
    checkHash("root1", root1);
    checkHash("root2", root2);
    checkAll(proof);
    if (proof.isEmpty()) {
      throw new ProofException("empty consistency proof from " + size1 + " to " + size2);
    }
    List<byte[]> path = proof;
    if (Long.bitCount(size1) == 1) {
      path = new ArrayList<>(proof.size() + 1);
      path.add(root1);
      path.addAll(proof);
    }
    MerkleHash.Hasher h = MerkleHash.hasher();
    long fn = size1 - 1;
    long sn = size2 - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    for (byte[] c : path.subList(1, path.size())) {
      if (sn == 0) {
        throw new ProofException("consistency proof is too long for " + size1 + " to " + size2);
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = h.node(c, fr);
        sr = h.node(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = h.node(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw new ProofException("consistency proof is too short for " + size1 + " to " + size2);
    }
    if (!MessageDigest.isEqual(fr, root1)) {
      throw new ProofException("consistency proof does not lead to the first root (size " + size1 + ")");
    }
    if (!MessageDigest.isEqual(sr, root2)) {
      throw new ProofException("consistency proof does not lead to the second root (size " + size2 + ")");
    }
  }

  private static void checkAll(List<byte[]> proof) throws ProofException {
    for (byte[] p : proof) {
      checkHash("proof hash", p);
    }
  }

  private static void checkHash(String what, byte[] h) throws ProofException {
    if (h == null || h.length != HASH) {
      throw new ProofException(what + " must have 32 bytes, not " + (h == null ? "none" : h.length));
    }
  }
}
