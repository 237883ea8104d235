package io.bulwark.shared.ledgerdb;

import io.bulwark.ledger.CompactRange;
import io.bulwark.ledger.Tiles;
import java.util.ArrayList;
import java.util.List;

/**
 * The writer's view of the tree's right edge: the hashes of every partial tile (at most 255 per tile level) and the
 * compact range that gives the root. Everything left of the edge is in full tiles in PostgreSQL.
 */
public final class TreeState {
  private final List<List<byte[]>> partial;
  private final CompactRange range;

  /** A full tile completed by an append, to be stored in the same transaction as the entries. */
  public record FullTile(int level, long index, byte[] hashes) {}

  public TreeState(List<List<byte[]>> partial, CompactRange range) {
    this.partial = partial;
    this.range = range;
  }

  public static TreeState empty() {
    return new TreeState(new ArrayList<>(), new CompactRange());
  }

  public long size() {
    return range.size();
  }

  public byte[] root() {
    return range.root();
  }

  public TreeState copy() {
    List<List<byte[]>> p = new ArrayList<>(partial.size());
    partial.forEach(level -> p.add(new ArrayList<>(level)));
    return new TreeState(p, range.copy());
  }

  /** Appends leaf hashes in order; returns the tiles that became full. Mutates this state: append to a copy. */
  public List<FullTile> append(List<byte[]> leafHashes) {
    List<FullTile> full = new ArrayList<>();
    for (byte[] leaf : leafHashes) {
      long leafIndex = range.size();
      range.appendLeafHash(leaf);
      push(0, leafIndex, leaf, full);
    }
    return full;
  }

  /** Adds the node at {@code position} of tile level {@code level}; a tile that fills moves its root one level up. */
  private void push(int level, long position, byte[] hash, List<FullTile> full) {
    while (partial.size() <= level) {
      partial.add(new ArrayList<>());
    }
    List<byte[]> edge = partial.get(level);
    edge.add(hash);
    if (edge.size() == Tiles.WIDTH) {
      byte[] tile = new byte[Tiles.WIDTH * 32];
      for (int i = 0; i < Tiles.WIDTH; i++) {
        System.arraycopy(edge.get(i), 0, tile, i * 32, 32);
      }
      long tileIndex = position / Tiles.WIDTH;
      full.add(new FullTile(level, tileIndex, tile));
      edge.clear();
      push(level + 1, tileIndex, Tiles.tileRoot(tile), full);
    }
  }
}
