package io.bulwark.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** C2SP tile geometry: which tile holds a subtree, and its hash from that tile's (possibly partial) contents. */
class TilesTest {
  private static final long SEED = Long.getLong("ledger.seed", System.nanoTime());

  @Test
  void tileOfPicksTheTileUnderTheSubtree() {
    assertEquals(new Tiles.TileRef(0, 0), Tiles.tileOf(new Subtree(0, 255)));
    assertEquals(new Tiles.TileRef(0, 1), Tiles.tileOf(new Subtree(0, 256)));
    assertEquals(new Tiles.TileRef(0, 1), Tiles.tileOf(new Subtree(7, 3)));
    assertEquals(new Tiles.TileRef(1, 0), Tiles.tileOf(new Subtree(8, 0)));
    assertEquals(new Tiles.TileRef(1, 0), Tiles.tileOf(new Subtree(9, 127)));
    assertEquals(new Tiles.TileRef(2, 1), Tiles.tileOf(new Subtree(16, 256)));
    assertEquals(Set.of(new Tiles.TileRef(0, 0), new Tiles.TileRef(1, 0)),
        Tiles.tilesFor(List.of(new Subtree(0, 1), new Subtree(3, 2), new Subtree(8, 1))));
  }

  @Test
  void subtreeHashesFromTilesMatchTheTree() {
    MemoryTree tree = new MemoryTree(70_000);
    Random r = new Random(SEED);
    for (int t = 0; t < 2000; t++) {
      int level = r.nextInt(17);
      long count = tree.size() >> level;
      Subtree s = new Subtree(level, (long) (r.nextDouble() * count));
      assertArrayEquals(tree.mth((int) s.start(), (int) s.end()), tree.fromTiles().hash(s), "seed " + SEED + ", " + s);
    }
  }

  @Test
  void aFullTileHashesToTheNodeOneTileLevelUp() {
    MemoryTree tree = new MemoryTree(512);
    assertArrayEquals(tree.node(new Subtree(8, 1)), Tiles.tileRoot(tree.tile(new Tiles.TileRef(0, 1))));
    assertThrows(IllegalArgumentException.class, () -> Tiles.tileRoot(new byte[32 * 255]));
  }

  @Test
  void aPartialTileMustHoldTheNodesAsked() {
    MemoryTree tree = new MemoryTree(300);
    byte[] partial = tree.tile(new Tiles.TileRef(0, 1));
    assertEquals(44 * 32, partial.length);
    assertArrayEquals(tree.node(new Subtree(3, 33)), Tiles.subtreeHash(new Subtree(3, 33), partial));
    assertThrows(IllegalArgumentException.class, () -> Tiles.subtreeHash(new Subtree(3, 37), partial));
  }
}
