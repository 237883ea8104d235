package io.bulwark.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Proof plans served from in-memory tiles give proofs that verify, and no single flipped bit survives verification. */
class ProofPlanTest {
  private static final long SEED = Long.getLong("ledger.seed", System.nanoTime());

  @Test
  void decomposeCoversExactlyTheRangeWithMaximalAlignedSubtrees() {
    Random r = new Random(SEED);
    for (int t = 0; t < 3000; t++) {
      long begin = t < 1000 ? t % 50 : r.nextInt(1 << 20);
      long end = begin + (t < 1000 ? t / 50 : r.nextInt(1 << 20));
      List<Subtree> parts = ProofPlan.decompose(begin, end);
      long at = begin;
      for (int i = 0; i < parts.size(); i++) {
        Subtree s = parts.get(i);
        assertEquals(at, s.start(), "seed " + SEED + ": gap or overlap in [" + begin + "," + end + ")");
        at = s.end();
        // maximal: the parent would start earlier or leave the range
        Subtree p = s.parent();
        assertTrue(p.start() < begin || p.end() > end, "seed " + SEED + ": " + s + " could be merged");
      }
      assertEquals(end, at, "seed " + SEED);
      assertTrue(parts.size() <= 2 * 64);
    }
    assertEquals(List.of(), ProofPlan.decompose(7, 7));
    assertEquals(List.of(new Subtree(2, 0), new Subtree(1, 2), new Subtree(0, 6)), ProofPlan.decompose(0, 7));
    assertEquals(List.of(new Subtree(0, 3), new Subtree(2, 1), new Subtree(0, 8)), ProofPlan.decompose(3, 9));
  }

  @Test
  void smallTreesProveEveryLeafAndEveryConsistency() {
    for (int n = 1; n <= 70; n++) {
      MemoryTree tree = new MemoryTree(n);
      for (int i = 0; i < n; i++) {
        checkInclusion(tree, i, n, false);
      }
      for (int m = 1; m <= n; m++) {
        checkConsistency(tree, m, n, false);
      }
    }
  }

  @Test
  void randomTreesUpTo10000WithEveryBitFlipRefused() {
    Random r = new Random(SEED);
    for (int t = 0; t < 12; t++) {
      int n = 1 + r.nextInt(10_000);
      MemoryTree tree = new MemoryTree(n);
      for (int k = 0; k < 3; k++) {
        int size = 1 + r.nextInt(n);
        checkInclusion(tree, r.nextInt(size), size, true);
        int m = 1 + r.nextInt(n);
        checkConsistency(tree, m, m + r.nextInt(n - m + 1), true);
      }
    }
  }

  @Test
  void rootFromTilesMatchesTheReference() {
    Random r = new Random(SEED);
    MemoryTree tree = new MemoryTree(70_000);
    for (int t = 0; t < 40; t++) {
      int n = t == 0 ? 65_536 : r.nextInt(70_000);
      assertArrayEquals(tree.mth(0, n), ProofPlan.root(n, tree.fromTiles()), "seed " + SEED + ", size " + n);
    }
  }

  @Test
  void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> ProofPlan.inclusion(5, 5));
    assertThrows(IllegalArgumentException.class, () -> ProofPlan.consistency(0, 5));
    assertThrows(IllegalArgumentException.class, () -> ProofPlan.consistency(6, 5));
    assertThrows(IllegalArgumentException.class, () -> ProofPlan.decompose(6, 5));
    assertEquals(List.of(), ProofPlan.consistency(5, 5));
    assertEquals(List.of(), ProofPlan.inclusion(0, 1));
  }

  /** Leaf i of a tree of size n (a prefix of {@code tree}); proof hashes come from tiles only. */
  private static void checkInclusion(MemoryTree tree, int i, int n, boolean flipBits) {
    String where = "seed " + SEED + ", leaf " + i + " of " + n;
    List<byte[]> proof = ProofPlan.resolve(ProofPlan.inclusion(i, n), tree.fromTiles());
    byte[] root = tree.mth(0, n);
    byte[] leaf = tree.leafHashes.get(i);
    assertDoesNotThrow(() -> Proofs.verifyInclusion(i, n, leaf, proof, root), where);
    if (flipBits) {
      forEachFlip(proof, p -> assertThrows(ProofException.class, () -> Proofs.verifyInclusion(i, n, leaf, p, root), where));
      forEachFlip(List.of(root), p -> assertThrows(ProofException.class,
          () -> Proofs.verifyInclusion(i, n, leaf, proof, p.get(0)), where + " (root)"));
      forEachFlip(List.of(leaf), p -> assertThrows(ProofException.class,
          () -> Proofs.verifyInclusion(i, n, p.get(0), proof, root), where + " (leaf)"));
    }
  }

  private static void checkConsistency(MemoryTree tree, int m, int n, boolean flipBits) {
    String where = "seed " + SEED + ", " + m + " to " + n;
    List<byte[]> proof = ProofPlan.resolve(ProofPlan.consistency(m, n), tree.fromTiles());
    byte[] root1 = tree.mth(0, m);
    byte[] root2 = tree.mth(0, n);
    assertDoesNotThrow(() -> Proofs.verifyConsistency(m, n, proof, root1, root2), where);
    if (flipBits) {
      forEachFlip(proof, p -> assertThrows(ProofException.class, () -> Proofs.verifyConsistency(m, n, p, root1, root2), where));
      forEachFlip(List.of(root1), p -> assertThrows(ProofException.class,
          () -> Proofs.verifyConsistency(m, n, proof, p.get(0), root2), where + " (root1)"));
      forEachFlip(List.of(root2), p -> assertThrows(ProofException.class,
          () -> Proofs.verifyConsistency(m, n, proof, root1, p.get(0)), where + " (root2)"));
    }
  }

  /** Calls {@code check} with a copy of {@code hashes} in which one bit is flipped, for every bit. */
  static void forEachFlip(List<byte[]> hashes, java.util.function.Consumer<List<byte[]>> check) {
    for (int h = 0; h < hashes.size(); h++) {
      for (int bit = 0; bit < 256; bit++) {
        List<byte[]> copy = new ArrayList<>(hashes);
        byte[] flipped = hashes.get(h).clone();
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));
        copy.set(h, flipped);
        check.accept(copy);
      }
    }
  }
}
