package io.bulwark.ledger;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * C2SP tlog-tiles geometry: a tile at level {@code t} holds up to 256 consecutive hashes of the tree's nodes at
 * level {@code 8t} (level 0 holds leaf hashes), concatenated 32 bytes each. A tile at the right edge may be partial.
 */
public final class Tiles {
  public static final int HEIGHT = 8;
  public static final int WIDTH = 1 << HEIGHT;
  private static final int HASH = 32;

  private Tiles() {}

  /** A tile: level {@code level} (nodes at tree level {@code 8*level}), number {@code index} at that level. */
  public record TileRef(int level, long index) {
    /** The first node (at tree level {@code 8*level}) it holds. */
    public long firstNode() {
      return index * WIDTH;
    }
  }

  /** The tile holding the level-{@code 8t} nodes under {@code s}, where {@code t = s.level / 8}. */
  public static TileRef tileOf(Subtree s) {
    int t = s.level() / HEIGHT;
    int below = s.level() - t * HEIGHT;
    return new TileRef(t, (s.index() << below) / WIDTH);
  }

  /**
   * The hash of {@code s} from its tile's hashes ({@link #tileOf}); the tile may be partial as long as it holds
   * every node {@code s} covers.
   */
  public static byte[] subtreeHash(Subtree s, byte[] tileHashes) {
    int t = s.level() / HEIGHT;
    int below = s.level() - t * HEIGHT;
    int count = 1 << below;
    int first = (int) ((s.index() << below) % WIDTH);
    if (tileHashes.length % HASH != 0 || tileHashes.length < (first + count) * HASH) {
      throw new IllegalArgumentException("tile of " + tileHashes.length + " bytes does not hold " + s + " (needs nodes "
          + first + ".." + (first + count - 1) + ")");
    }
    if (count == 1) {
      return java.util.Arrays.copyOfRange(tileHashes, first * HASH, (first + 1) * HASH);
    }
    byte[] work = java.util.Arrays.copyOfRange(tileHashes, first * HASH, (first + count) * HASH);
    return reduce(work, count);
  }

  /** The hash of a full tile's 256 nodes: the node one tile-level up ({@code 8} tree levels). */
  public static byte[] tileRoot(byte[] fullTile) {
    if (fullTile.length != WIDTH * HASH) {
      throw new IllegalArgumentException("a full tile has " + WIDTH * HASH + " bytes, not " + fullTile.length);
    }
    return reduce(fullTile.clone(), WIDTH);
  }

  /** The distinct tiles (in first-seen order) whose hashes give the given subtrees. */
  public static Set<TileRef> tilesFor(Collection<Subtree> subtrees) {
    Set<TileRef> out = new LinkedHashSet<>();
    for (Subtree s : subtrees) {
      out.add(tileOf(s));
    }
    return out;
  }

  /** Hashes {@code count} (a power of two) adjacent 32-byte nodes in {@code work} pairwise, in place, to one. */
  private static byte[] reduce(byte[] work, int count) {
    MerkleHash.Hasher h = MerkleHash.hasher();
    for (int n = count; n > 1; n /= 2) {
      for (int i = 0; i < n / 2; i++) {
        h.nodeInto(work, 2 * i * HASH, work, (2 * i + 1) * HASH, work, i * HASH);
      }
    }
    return java.util.Arrays.copyOf(work, HASH);
  }
}
