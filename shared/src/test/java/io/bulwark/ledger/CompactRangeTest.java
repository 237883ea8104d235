package io.bulwark.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The streaming root equals the recursive RFC 6962 root, however the leaves and subtrees arrive. */
class CompactRangeTest {
  private static final long SEED = Long.getLong("ledger.seed", System.nanoTime());

  @Test
  void rootMatchesTheReferenceForEverySizeUpTo600AndRandomLargerOnes() {
    MemoryTree tree = new MemoryTree(20_000);
    CompactRange range = new CompactRange();
    assertArrayEquals(MerkleHash.emptyRoot(), range.root());
    for (int n = 1; n <= 600; n++) {
      range.appendLeafHash(tree.leafHashes.get(n - 1));
      assertEquals(n, range.size());
      assertArrayEquals(tree.mth(0, n), range.root(), "size " + n);
      assertEquals(Long.bitCount(n), range.hashes().size());
    }
    Random r = new Random(SEED);
    for (int t = 0; t < 20; t++) {
      int n = 600 + r.nextInt(19_400);
      CompactRange c = new CompactRange();
      tree.leafHashes.subList(0, n).forEach(c::appendLeafHash);
      assertArrayEquals(tree.mth(0, n), c.root(), "seed " + SEED + ", size " + n);
    }
  }

  @Test
  void leafDataIsHashedAsAnRfc6962Leaf() {
    CompactRange a = new CompactRange();
    CompactRange b = new CompactRange();
    for (int i = 0; i < 100; i++) {
      byte[] data = ("entry " + i).getBytes(StandardCharsets.UTF_8);
      a.appendLeafData(data, 0, data.length);
      b.appendLeafHash(MerkleHash.leafHash(data));
    }
    assertArrayEquals(b.root(), a.root());
  }

  @Test
  void prefixesSubtreesAndCopiesAgree() {
    Random r = new Random(SEED);
    MemoryTree tree = new MemoryTree(5000);
    for (int t = 0; t < 50; t++) {
      int from = r.nextInt(5000);
      int to = from + r.nextInt(5000 - from + 1);
      List<byte[]> left = ProofPlan.decompose(0, from).stream().map(tree::node).toList();
      CompactRange c = CompactRange.fromPrefix(from, left);
      assertArrayEquals(tree.mth(0, from), c.root(), "seed " + SEED + ", prefix " + from);
      CompactRange copy = c.copy();
      for (Subtree s : ProofPlan.decompose(from, to)) {
        c.appendSubtree(s, tree.node(s));
      }
      assertArrayEquals(tree.mth(0, to), c.root(), "seed " + SEED + ", " + from + " then subtrees to " + to);
      assertEquals(from, copy.size(), "a copy is independent");
      tree.leafHashes.subList(from, to).forEach(copy::appendLeafHash);
      assertArrayEquals(c.root(), copy.root());
      assertEquals(c.hashes().size(), copy.hashes().size());
      for (int i = 0; i < c.hashes().size(); i++) {
        assertArrayEquals(c.hashes().get(i), copy.hashes().get(i));
      }
    }
  }

  @Test
  void misplacedSubtreesAndBadHashesAreRefused() {
    MemoryTree tree = new MemoryTree(16);
    CompactRange c = new CompactRange();
    c.appendLeafHash(tree.leafHashes.get(0));
    assertThrows(IllegalArgumentException.class, () -> c.appendSubtree(new Subtree(1, 0), tree.node(new Subtree(1, 0))));
    assertThrows(IllegalArgumentException.class, () -> c.appendSubtree(new Subtree(0, 2), tree.leafHashes.get(2)));
    c.appendLeafHash(tree.leafHashes.get(1));
    c.appendLeafHash(tree.leafHashes.get(2));
    assertThrows(IllegalArgumentException.class, () -> c.appendSubtree(new Subtree(2, 1), tree.node(new Subtree(2, 1))));
    assertThrows(IllegalArgumentException.class, () -> c.appendLeafHash(new byte[31]));
    assertThrows(IllegalArgumentException.class, () -> CompactRange.fromPrefix(3, List.of(tree.leafHashes.get(0))));
    assertEquals(3, c.size());
  }
}
