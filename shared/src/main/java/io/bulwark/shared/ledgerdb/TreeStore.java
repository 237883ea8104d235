package io.bulwark.shared.ledgerdb;

import io.bulwark.ledger.CompactRange;
import io.bulwark.ledger.ProofPlan;
import io.bulwark.ledger.Subtree;
import io.bulwark.ledger.Tiles;
import io.bulwark.ledger.Tiles.TileRef;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads tree hashes from PostgreSQL: full tiles from {@code audit.tiles}; the partial tile at the right edge from the
 * entries' leaf hashes (level 0) or from the roots of the full tiles one level down. Never reads entry bytes.
 */
public final class TreeStore {
  /** Roots of full tiles kept in memory: a full tile never changes, and partial tiles are built from them. */
  static final int ROOT_CACHE = 65_536;
  private final SqlClient sql;
  private final Map<TileRef, byte[]> roots = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<TileRef, byte[]> eldest) {
          return size() > ROOT_CACHE;
        }
      });

  public TreeStore(SqlClient sql) {
    this.sql = sql;
  }

  /** The hashes of the given perfect subtrees; each must be complete in the stored tree. */
  public Future<Map<Subtree, byte[]>> hashes(Collection<Subtree> subtrees) {
    Set<TileRef> wanted = Tiles.tilesFor(subtrees);
    return tiles(wanted).map(tiles -> {
      Map<Subtree, byte[]> out = new HashMap<>();
      for (Subtree s : subtrees) {
        byte[] tile = tiles.get(Tiles.tileOf(s));
        if (tile == null) {
          throw new IllegalStateException("tree hashes for " + s + " are not stored");
        }
        out.put(s, Tiles.subtreeHash(s, tile));
      }
      return out;
    });
  }

  /** The proof nodes of a plan from {@link ProofPlan}. */
  public Future<List<byte[]>> resolve(List<List<Subtree>> plan) {
    List<Subtree> all = new ArrayList<>();
    plan.forEach(all::addAll);
    return hashes(all).map(map -> ProofPlan.resolve(plan, map::get));
  }

  /** Tile contents, full or (for the right edge) partial; tiles that do not exist at all are absent from the map. */
  public Future<Map<TileRef, byte[]>> tiles(Set<TileRef> refs) {
    if (refs.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    Short[] levels = refs.stream().map(r -> (short) r.level()).toArray(Short[]::new);
    Long[] indexes = refs.stream().map(TileRef::index).toArray(Long[]::new);
    return sql.preparedQuery("SELECT t.level, t.idx, t.hashes FROM audit.tiles t"
            + " JOIN unnest($1::int2[], $2::int8[]) AS w(level, idx) ON t.level = w.level AND t.idx = w.idx")
        .execute(Tuple.of((Object) levels, (Object) indexes))
        .compose(rs -> {
          Map<TileRef, byte[]> found = new HashMap<>();
          for (Row r : rs) {
            found.put(new TileRef(r.getShort(0), r.getLong(1)), r.getBuffer(2).getBytes());
          }
          List<Future<Void>> partials = new ArrayList<>();
          for (TileRef ref : refs) {
            if (!found.containsKey(ref)) {
              partials.add(partialTile(ref).map(bytes -> {
                if (bytes.length > 0) {
                  found.put(ref, bytes);
                }
                return null;
              }));
            }
          }
          return Future.all(partials).map(x -> found);
        });
  }

  /** A tile that is not full yet: leaf hashes for level 0, roots of the full tiles below for higher levels. */
  Future<byte[]> partialTile(TileRef ref) {
    long first = ref.index() * Tiles.WIDTH;
    if (ref.level() == 0) {
      return sql.preparedQuery("SELECT leaf_hash FROM audit.entries WHERE idx >= $1 AND idx < $2 ORDER BY idx")
          .execute(Tuple.of(first, first + Tiles.WIDTH))
          .map(rs -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (Row r : rs) {
              out.writeBytes(r.getBuffer(0).getBytes());
            }
            return out.toByteArray();
          });
    }
    // the roots of the full tiles one level down, in order; those not cached are read (they are then cached)
    int below = ref.level() - 1;
    List<Long> missing = new ArrayList<>();
    for (long j = first; j < first + Tiles.WIDTH; j++) {
      if (!roots.containsKey(new TileRef(below, j))) {
        missing.add(j);
      }
    }
    Future<Void> loaded = missing.isEmpty() ? Future.succeededFuture() : sql.preparedQuery(
            "SELECT idx, hashes FROM audit.tiles WHERE level = $1 AND idx = ANY($2)")
        .execute(Tuple.of((short) below, (Object) missing.toArray(Long[]::new)))
        .map(rs -> {
          for (Row r : rs) {
            roots.put(new TileRef(below, r.getLong(0)), Tiles.tileRoot(r.getBuffer(1).getBytes()));
          }
          return null;
        });
    return loaded.map(x -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (long j = first; j < first + Tiles.WIDTH; j++) {
        byte[] root = roots.get(new TileRef(below, j));
        if (root == null) {
          break;
        }
        out.writeBytes(root);
      }
      return out.toByteArray();
    });
  }

  /** Rebuilds the writer's right edge for the ledger as stored (size = highest index + 1). */
  public Future<TreeState> loadState() {
    return sql.query("SELECT coalesce(max(idx) + 1, 0) FROM audit.entries").execute()
        .compose(rs -> {
          long size = rs.iterator().next().getLong(0);
          if (size == 0) {
            return Future.succeededFuture(TreeState.empty());
          }
          List<Subtree> prefix = ProofPlan.decompose(0, size);
          Set<TileRef> edgeTiles = new HashSet<>();
          for (int level = 0; (size >> (Tiles.HEIGHT * level)) > 0; level++) {
            long nodes = size >> (Tiles.HEIGHT * level);
            if (nodes % Tiles.WIDTH != 0) {
              edgeTiles.add(new TileRef(level, nodes / Tiles.WIDTH));
            }
          }
          return Future.all(hashes(prefix), tiles(edgeTiles)).map(all -> {
            Map<Subtree, byte[]> prefixHashes = all.resultAt(0);
            Map<TileRef, byte[]> edges = all.resultAt(1);
            List<List<byte[]>> partial = new ArrayList<>();
            for (int level = 0; (size >> (Tiles.HEIGHT * level)) > 0; level++) {
              long nodes = size >> (Tiles.HEIGHT * level);
              List<byte[]> edge = new ArrayList<>();
              byte[] tile = edges.get(new TileRef(level, nodes / Tiles.WIDTH));
              int count = (int) (nodes % Tiles.WIDTH);
              if (count > 0 && (tile == null || tile.length != count * 32)) {
                throw new IllegalStateException("the stored tree is incomplete at tile level " + level
                    + ": expected " + count + " edge hashes, found " + (tile == null ? 0 : tile.length / 32));
              }
              for (int i = 0; i < count; i++) {
                edge.add(java.util.Arrays.copyOfRange(tile, i * 32, i * 32 + 32));
              }
              partial.add(edge);
            }
            List<byte[]> rangeHashes = prefix.stream().map(prefixHashes::get).toList();
            return new TreeState(partial, CompactRange.fromPrefix(size, rangeHashes));
          });
        });
  }
}
