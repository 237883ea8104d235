package io.bulwark.audit.export;

import io.bulwark.ledger.ProofPlan;
import io.bulwark.ledger.Subtree;
import io.bulwark.ledger.Tiles.TileRef;
import io.bulwark.ledger.Tiles;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.bulwark.shared.ledgerdb.CheckpointStore.StoredCheckpoint;
import io.bulwark.shared.ledgerdb.CheckpointStore;
import io.bulwark.shared.ledgerdb.EntryStore.StoredEntry;
import io.bulwark.shared.ledgerdb.EntryStore;
import io.bulwark.shared.ledgerdb.TreeStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Self-contained export bundles ({@code bulwark-audit-bundle/v1}): entries with their exact bytes, the signed
 * checkpoints that cover them, the tree hashes needed to recompute every root, and the public keys. Anyone can check
 * one with {@code bulwark verify} and the ledger's verifier keys, without the database.
 */
public final class ExportService {
  public static final String FORMAT = "bulwark-audit-bundle/v1";
  /** Most checkpoints one bundle carries; beyond that an evenly spread subset (consistency chains any subset). */
  static final int MAX_CHECKPOINTS = 200;
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private final String origin;
  private final EntryStore entries;
  private final CheckpointStore checkpoints;
  private final TreeStore tree;
  private final int maxEntries;
  private final io.vertx.core.Vertx vertx;

  public ExportService(io.vertx.core.Vertx vertx, String origin, EntryStore entries, CheckpointStore checkpoints,
                       TreeStore tree, int maxEntries) {
    this.vertx = vertx;
    this.origin = origin;
    this.entries = entries;
    this.checkpoints = checkpoints;
    this.tree = tree;
    this.maxEntries = maxEntries;
  }

  /** Entries [from, to) (to defaults to the latest checkpoint), all of them or one tenant's. */
  public Future<JsonObject> bundle(Long fromArg, Long toArg, String tenant) {
    return Future.all(checkpoints.latest(), entries.prunedBelow(), checkpoints.keys()).compose(all -> {
      java.util.Optional<StoredCheckpoint> latest = all.resultAt(0);
      long pruned = all.<Long>resultAt(1);
      List<CheckpointStore.KeyIdentity> keys = all.resultAt(2);
      if (latest.isEmpty()) {
        return Future.failedFuture(new ApiException(404, ErrorCodes.AUDIT_NO_CHECKPOINT, "the ledger has no checkpoint yet"));
      }
      long to = toArg == null ? latest.get().size() : toArg;
      long from = fromArg == null ? Math.max(pruned, tenant == null ? to - Math.min(to, maxEntries) : pruned) : fromArg;
      if (from < 0 || to < from) {
        return Future.failedFuture(ApiException.badRequest("need 0 <= from <= to (got from=" + from + ", to=" + to + ")"));
      }
      if (to > latest.get().size()) {
        return Future.failedFuture(new ApiException(404, ErrorCodes.AUDIT_NOT_COVERED,
            "to=" + to + " is beyond the latest checkpoint (size " + latest.get().size() + ")"));
      }
      if (from < pruned) {
        return Future.failedFuture(new ApiException(410, ErrorCodes.AUDIT_PRUNED, "entries below " + pruned
            + " have left the hot ledger; they are in the archive segments, which verify on their own"));
      }
      if (tenant == null && to - from > maxEntries) {
        return Future.failedFuture(new ApiException(400, ErrorCodes.AUDIT_RANGE_TOO_LARGE, "at most " + maxEntries
            + " entries per bundle (asked for " + (to - from) + "); export consecutive ranges"));
      }
      List<String> vkeys = keys.stream().map(CheckpointStore.KeyIdentity::vkey).toList();
      if (tenant != null && fromArg == null) {
        // no start given: the tenant's newest entries up to `to`, however many it has in all, and the bundle starts at
        // the first one taken (it then holds every entry of the tenant in [from, to))
        return entries.newest(from, to, tenant, maxEntries).compose(rows -> {
          long start = rows.size() < maxEntries || rows.isEmpty() ? from : rows.get(0).index();
          return checkpointsFor(start, to).compose(cps -> assemble(start, to, tenant, rows, cps, vkeys));
        });
      }
      return entries.range(from, to, tenant, maxEntries + 1).compose(rows -> {
        if (tenant != null && rows.size() > maxEntries) {
          return Future.failedFuture(new ApiException(400, ErrorCodes.AUDIT_RANGE_TOO_LARGE, "the tenant has more than "
              + maxEntries + " entries in [" + from + ", " + to + "); narrow the range"));
        }
        return checkpointsFor(from, to).compose(cps -> assemble(from, to, tenant, rows, cps, vkeys));
      });
    });
  }

  private Future<List<StoredCheckpoint>> checkpointsFor(long from, long to) {
    return Future.all(checkpoints.spread(from + 1, to, MAX_CHECKPOINTS), checkpoints.covering(to)).map(all -> {
      List<StoredCheckpoint> chosen = new ArrayList<>(all.<List<StoredCheckpoint>>resultAt(0));
      java.util.Optional<StoredCheckpoint> covering = all.resultAt(1);
      covering.filter(c -> chosen.isEmpty() || c.size() > chosen.get(chosen.size() - 1).size()).ifPresent(chosen::add);
      return chosen;
    });
  }

  private Future<JsonObject> assemble(long from, long to, String tenant, List<StoredEntry> rows, List<StoredCheckpoint> cps,
                                      List<String> vkeys) {
    List<Subtree> needed = new ArrayList<>(ProofPlan.decompose(0, from));
    for (StoredCheckpoint cp : cps) {
      if (cp.size() > to) {
        needed.addAll(ProofPlan.decompose(to, cp.size()));
      }
    }
    List<List<List<Subtree>>> consistency = new ArrayList<>();
    for (int i = 1; i < cps.size(); i++) {
      List<List<Subtree>> plan = ProofPlan.consistency(cps.get(i - 1).size(), cps.get(i).size());
      consistency.add(plan);
      plan.forEach(needed::addAll);
    }
    long lastSize = cps.isEmpty() ? to : cps.get(cps.size() - 1).size();
    List<List<List<Subtree>>> inclusion = new ArrayList<>();
    if (tenant != null) {
      for (StoredEntry e : rows) {
        List<List<Subtree>> plan = ProofPlan.inclusion(e.index(), lastSize);
        inclusion.add(plan);
        plan.forEach(needed::addAll);
      }
    }
    Set<TileRef> leafTiles = new HashSet<>();
    rows.forEach(e -> leafTiles.add(new TileRef(0, e.index() / Tiles.WIDTH)));
    // building the JSON of ten thousand entries (each parsed for reading, proofs encoded) takes tens of milliseconds:
    // a worker thread does it, so the event loop it would hold keeps serving
    return Future.all(tree.hashes(needed), tree.tiles(leafTiles)).compose(all -> vertx.executeBlocking(() -> {
      Map<Subtree, byte[]> hashes = all.resultAt(0);
      Map<TileRef, byte[]> tiles = all.resultAt(1);
      Function<List<Subtree>, JsonArray> encode = parts -> {
        JsonArray out = new JsonArray();
        parts.forEach(s -> out.add(B64.encodeToString(hashes.get(s))));
        return out;
      };
      JsonObject bundle = new JsonObject().put("format", FORMAT).put("origin", origin)
          .put("scope", tenant == null ? "ledger" : "tenant").put("tenant", tenant)
          .put("from", from).put("to", to).put("keys", new JsonArray(vkeys))
          .put("leftEdge", tenant == null ? encode.apply(ProofPlan.decompose(0, from)) : new JsonArray());
      JsonArray cpJson = new JsonArray();
      for (StoredCheckpoint cp : cps) {
        cpJson.add(new JsonObject().put("note", cp.note())
            .put("rightEdge", cp.size() > to && tenant == null ? encode.apply(ProofPlan.decompose(to, cp.size())) : new JsonArray()));
      }
      bundle.put("checkpoints", cpJson);
      JsonArray consJson = new JsonArray();
      for (int i = 0; i < consistency.size(); i++) {
        JsonArray proof = new JsonArray();
        for (List<Subtree> node : consistency.get(i)) {
          proof.add(B64.encodeToString(ProofPlan.rangeHash(node, hashes::get)));
        }
        consJson.add(new JsonObject().put("from", cps.get(i).size()).put("to", cps.get(i + 1).size()).put("proof", proof));
      }
      bundle.put("consistency", consJson);
      JsonArray entryJson = new JsonArray();
      for (int i = 0; i < rows.size(); i++) {
        StoredEntry e = rows.get(i);
        byte[] tile = tiles.get(new TileRef(0, e.index() / Tiles.WIDTH));
        int offset = (int) (e.index() % Tiles.WIDTH) * 32;
        byte[] recorded = tile != null && tile.length >= offset + 32
            ? java.util.Arrays.copyOfRange(tile, offset, offset + 32) : e.leafHash();
        JsonObject item = new JsonObject().put("index", e.index()).put("leaf", B64.encodeToString(e.entry()))
            .put("hash", B64.encodeToString(recorded))
            .put("entry", new JsonObject(new String(e.entry(), StandardCharsets.UTF_8)));
        if (tenant != null) {
          JsonArray proof = new JsonArray();
          for (List<Subtree> node : inclusion.get(i)) {
            proof.add(B64.encodeToString(ProofPlan.rangeHash(node, hashes::get)));
          }
          item.put("proof", proof);
        }
        entryJson.add(item);
      }
      return bundle.put("entries", entryJson);
    }, false));
  }

  /**
   * {@link #bundle}, encoded on a worker thread: what the gateway embeds in evidence packs and exports without parsing
   * or copying a large JSON tree on its event loops.
   */
  public Future<Encoded> encodedBundle(Long from, Long to, String tenant) {
    return bundle(from, to, tenant).compose(b -> vertx.executeBlocking(() -> new Encoded(b.toBuffer().getBytes(),
        b.getLong("from"), b.getLong("to"), b.getJsonArray("entries").size()), false));
  }

  /** An encoded bundle and what a caller needs to know about it without reading it. */
  public record Encoded(byte[] json, long from, long to, int entries) {}
}
