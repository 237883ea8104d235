package io.bulwark.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/** A test tree held in memory: its leaves, every complete level, C2SP tiles cut from it, and a reference RFC 6962 root. */
final class MemoryTree {
  final List<byte[]> leafHashes = new ArrayList<>();
  /** levels.get(l).get(i) = hash of Subtree(l, i), for the complete subtrees only. */
  final List<List<byte[]>> levels = new ArrayList<>();

  MemoryTree(int size) {
    this(java.util.stream.IntStream.range(0, size)
        .mapToObj(i -> MerkleHash.leafHash(("leaf " + i).getBytes(StandardCharsets.UTF_8))).toList());
  }

  MemoryTree(List<byte[]> leafHashes) {
    this.leafHashes.addAll(leafHashes);
    levels.add(this.leafHashes);
    for (List<byte[]> below = this.leafHashes; below.size() > 1; ) {
      List<byte[]> up = new ArrayList<>();
      for (int i = 0; i + 1 < below.size(); i += 2) {
        up.add(MerkleHash.nodeHash(below.get(i), below.get(i + 1)));
      }
      levels.add(up);
      below = up;
    }
  }

  int size() {
    return leafHashes.size();
  }

  /** The hash of a complete subtree straight from the levels. */
  byte[] node(Subtree s) {
    return levels.get(s.level()).get((int) s.index());
  }

  /** The tile as the tlog-tiles store would serve it: as many of its 256 nodes as exist. */
  byte[] tile(Tiles.TileRef t) {
    int level = t.level() * Tiles.HEIGHT;
    List<byte[]> nodes = level < levels.size() ? levels.get(level) : List.of();
    int from = (int) t.firstNode();
    int to = Math.min(nodes.size(), from + Tiles.WIDTH);
    byte[] out = new byte[Math.max(0, to - from) * 32];
    for (int i = from; i < to; i++) {
      System.arraycopy(nodes.get(i), 0, out, (i - from) * 32, 32);
    }
    return out;
  }

  /** Hashes served from tiles only, as a tiled store would. */
  SubtreeHashes fromTiles() {
    return s -> Tiles.subtreeHash(s, tile(Tiles.tileOf(s)));
  }

  /** MTH(D[lo:hi]) of RFC 6962 section 2.1, recursively, independent of the code under test. */
  byte[] mth(int lo, int hi) {
    return mth(leafHashes.subList(lo, hi));
  }

  static byte[] mth(List<byte[]> leafHashes) {
    int n = leafHashes.size();
    if (n == 0) {
      try {
        return MessageDigest.getInstance("SHA-256").digest();
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    if (n == 1) {
      return leafHashes.get(0);
    }
    int k = Integer.highestOneBit(n - 1);
    return MerkleHash.nodeHash(mth(leafHashes.subList(0, k)), mth(leafHashes.subList(k, n)));
  }
}
