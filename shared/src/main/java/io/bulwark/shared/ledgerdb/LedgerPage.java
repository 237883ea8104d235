package io.bulwark.shared.ledgerdb;

import io.bulwark.ledger.Tiles;
import io.bulwark.ledger.Tiles.TileRef;
import io.bulwark.shared.ledgerdb.EntryStore.StoredEntry;
import io.vertx.core.Future;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run of stored entries with the leaf hashes the tree recorded for them (level-0 tiles), read together so a
 * verifier or an archive can compare or copy both.
 */
public record LedgerPage(List<StoredEntry> entries, Map<TileRef, byte[]> tiles) {

  /** Entries [from, end) and the level-0 tiles that cover them. */
  public static Future<LedgerPage> read(EntryStore entries, TreeStore tree, long from, long end) {
    Set<TileRef> refs = new HashSet<>();
    for (long t = from / Tiles.WIDTH; t * Tiles.WIDTH < end; t++) {
      refs.add(new TileRef(0, t));
    }
    return Future.all(entries.range(from, end, null, (int) (end - from)), tree.tiles(refs))
        .map(all -> new LedgerPage(all.resultAt(0), all.resultAt(1)));
  }

  /** The leaf hash recorded in the tree for {@code index}, or null when the tree has none. */
  public byte[] recorded(long index) {
    byte[] tile = tiles.get(new TileRef(0, index / Tiles.WIDTH));
    int off = (int) (index % Tiles.WIDTH) * 32;
    return tile != null && tile.length >= off + 32 ? Arrays.copyOfRange(tile, off, off + 32) : null;
  }
}
