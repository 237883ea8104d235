package io.bulwark.audit.retention;

import io.bulwark.audit.AuditMetrics;
import io.bulwark.audit.LedgerSettings;
import io.bulwark.audit.ledger.Ledger;
import io.bulwark.ledger.BundleVerifier;
import io.bulwark.ledger.NoteException;
import io.bulwark.ledger.ProofPlan;
import io.bulwark.ledger.Subtree;
import io.bulwark.ledger.Tiles;
import io.bulwark.ledger.VerificationResult;
import io.bulwark.ledger.VerifierKey;
import io.bulwark.shared.ledgerdb.CheckpointStore.StoredCheckpoint;
import io.bulwark.shared.ledgerdb.CheckpointStore;
import io.bulwark.shared.ledgerdb.EntryStore.StoredEntry;
import io.bulwark.shared.ledgerdb.EntryStore;
import io.bulwark.shared.ledgerdb.LedgerPage;
import io.bulwark.shared.ledgerdb.TreeStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Moves entries past hot retention into archive segments and deletes segments past archive retention. A segment is
 * written, verified from its files with the offline verifier, recorded, and only then are its entries pruned, in the
 * same transaction as the record. Tiles and checkpoints stay, so every proof for what remains still verifies.
 */
public final class RetentionWorker implements Ledger.LeaderTask {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionWorker.class);
  static final int PAGE = 4096;
  private final Vertx vertx;
  private final LedgerSettings settings;
  private final Pool pool;
  private final EntryStore entries;
  private final CheckpointStore checkpoints;
  private final TreeStore tree;
  private final AuditMetrics metrics;
  private volatile Ledger ledger;
  private volatile boolean paused;
  private volatile String lastError;
  private volatile JsonObject lastRun;
  /** Only touched on the service verticle's context (its bus consumer and timer); read by status() anywhere. */
  private volatile Future<JsonObject> running;
  private long timer = -1;

  public RetentionWorker(Vertx vertx, LedgerSettings settings, Pool pool, EntryStore entries, CheckpointStore checkpoints,
                         TreeStore tree, AuditMetrics metrics) {
    this.vertx = vertx;
    this.settings = settings;
    this.pool = pool;
    this.entries = entries;
    this.checkpoints = checkpoints;
    this.tree = tree;
    this.metrics = metrics;
  }

  @Override
  public void lead(Ledger l) {
    ledger = l;
    pool.query("SELECT kind FROM audit.retention_log WHERE kind IN ('paused', 'resumed') ORDER BY id DESC LIMIT 1").execute()
        .onSuccess(rs -> rs.forEach(r -> paused = "paused".equals(r.getString(0))))
        .onComplete(x -> timer = vertx.setPeriodic(settings.retentionInterval().toMillis(), id -> run("schedule")));
  }

  @Override
  public void standBy() {
    ledger = null;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Readiness detail; fails when the last run failed. */
  public Future<JsonObject> health() {
    if (ledger == null) {
      return Future.succeededFuture(new JsonObject().put("state", "standby"));
    }
    if (lastError != null) {
      return Future.failedFuture("retention failed: " + lastError);
    }
    return Future.succeededFuture(status());
  }

  public JsonObject status() {
    return new JsonObject().put("state", ledger == null ? "standby" : paused ? "paused" : running != null ? "running" : "idle")
        .put("hotRetention", settings.hotRetention().toString()).put("archiveRetention", settings.archiveRetention().toString())
        .put("archiveDir", settings.archiveDir().toString()).put("lastRun", lastRun).put("lastError", lastError);
  }

  /** Pauses or resumes; the choice is kept in the database and survives restarts and failover. */
  public Future<JsonObject> setPaused(boolean pause, String actor) {
    Ledger l = ledger;
    if (l == null) {
      return Future.failedFuture(new io.bulwark.shared.http.ApiException(503, io.bulwark.shared.http.ErrorCodes.AUDIT_STANDBY,
          "retention runs on the ledger writer; this instance is standing by"));
    }
    String kind = pause ? "paused" : "resumed";
    return pool.preparedQuery("INSERT INTO audit.retention_log (kind, actor) VALUES ($1, $2)").execute(Tuple.of(kind, actor))
        .compose(x -> l.recordSystem("audit.retention." + kind, "success", null, new JsonObject().put("by", actor)))
        .map(x -> {
          paused = pause;
          LOG.info("audit retention {} by {}", kind, actor, kv("event", "audit_retention_" + kind));
          return status();
        });
  }

  /** One pass: archive and prune what is past hot retention, delete segments past archive retention. */
  public Future<JsonObject> run(String trigger) {
    Ledger l = ledger;
    if (l == null || (paused && "schedule".equals(trigger))) {
      return Future.succeededFuture(status());
    }
    if (running != null) {
      return running;
    }
    Instant now = Instant.now();
    running = archive(l, now).compose(archived -> deleteExpired(l, now).map(deleted -> archived.put("segmentsDeleted", deleted)))
        .map(summary -> {
          lastError = null;
          lastRun = summary.put("at", now.toString()).put("trigger", trigger);
          return status();
        })
        .onFailure(err -> {
          lastError = String.valueOf(err.getMessage());
          LOG.error("audit retention failed: {}", lastError, kv("event", "audit_retention_failed"));
        })
        .onComplete(ar -> running = null);
    return running;
  }

  private Future<JsonObject> archive(Ledger l, Instant now) {
    OffsetDateTime cutoff = now.minus(settings.hotRetention()).atOffset(ZoneOffset.UTC);
    return Future.all(entries.prunedBelow(), checkpoints.latest(), checkpoints.keys(),
        pool.preparedQuery("SELECT idx FROM audit.entries WHERE entry_time >= $1 ORDER BY entry_time, idx LIMIT 1").execute(Tuple.of(cutoff))).compose(all -> {
      long pruned = all.<Long>resultAt(0);
      java.util.Optional<StoredCheckpoint> latest = all.resultAt(1);
      List<CheckpointStore.KeyIdentity> keys = all.resultAt(2);
      io.vertx.sqlclient.RowSet<Row> firstKeptRow = all.resultAt(3);
      Long firstKept = firstKeptRow.size() == 0 ? null : firstKeptRow.iterator().next().getLong(0);
      long size = l.committedSize();
      if (latest.isEmpty() || size <= 0) {
        return Future.succeededFuture(new JsonObject().put("archived", 0));
      }
      // Never the entries of the right edge's partial tile (they are its only copy) nor any not yet in a checkpoint.
      long limit = Math.min(latest.get().size(), size / Tiles.WIDTH * Tiles.WIDTH);
      long upto = Math.min(firstKept == null ? size : firstKept, limit);
      return segments(l, pruned, upto, keys, new JsonObject().put("archived", 0L).put("segments", 0));
    });
  }

  private Future<JsonObject> segments(Ledger l, long from, long upto, List<CheckpointStore.KeyIdentity> keys, JsonObject summary) {
    if (from >= upto) {
      return Future.succeededFuture(summary.put("minIndex", from));
    }
    long to = Math.min(upto, from + settings.segmentMaxEntries());
    return segment(l, from, to, keys).compose(n -> segments(l, to, upto, keys,
        summary.put("archived", summary.getLong("archived") + (to - from)).put("segments", summary.getInteger("segments") + 1)));
  }

  private Future<Long> segment(Ledger l, long from, long to, List<CheckpointStore.KeyIdentity> keys) {
    return checkpoints.covering(to).compose(cpOpt -> {
      StoredCheckpoint cp = cpOpt.orElseThrow(() -> new IllegalStateException("no checkpoint covers index " + (to - 1)));
      List<Subtree> left = ProofPlan.decompose(0, from);
      List<Subtree> right = ProofPlan.decompose(to, cp.size());
      List<Subtree> needed = new ArrayList<>(left);
      needed.addAll(right);
      return tree.hashes(needed).compose(hashes -> vertx.executeBlocking(() -> new SegmentWriter(settings.archiveDir(), from), true)
          .compose(writer -> copy(writer, from, to, new OffsetDateTime[1])
              .compose(lastTime -> vertx.executeBlocking(() -> {
                Path manifest = writer.finish(to, settings.origin(), left.stream().map(hashes::get).toList(), cp.note(),
                    right.stream().map(hashes::get).toList(), keys.stream().map(CheckpointStore.KeyIdentity::vkey).toList(),
                    Instant.now());
                VerificationResult check = BundleVerifier.verifyFile(manifest, trusted(keys));
                if (!check.verified()) {
                  Files.deleteIfExists(manifest);
                  Files.deleteIfExists(manifest.resolveSibling(SegmentWriter.baseName(from, to) + ".jsonl.gz"));
                  throw new IllegalStateException("archive segment " + from + "-" + to + " failed verification: " + check.toJson());
                }
                return new Object[] {manifest, writer.sha256Hex(), writer.bytes(), lastTime};
              }, true))
              .onFailure(err -> vertx.executeBlocking(() -> {
                writer.close();
                return null;
              }))))
          .compose(done -> record(l, from, to, cp, (Path) done[0], (String) done[1], (Long) done[2], (OffsetDateTime) done[3]));
    });
  }

  private static List<VerifierKey> trusted(List<CheckpointStore.KeyIdentity> keys) throws NoteException {
    List<VerifierKey> out = new ArrayList<>();
    for (CheckpointStore.KeyIdentity k : keys) {
      out.add(VerifierKey.parse(k.vkey()));
    }
    return out;
  }

  /** Streams entries [next, to) into the segment page by page; completes with the last entry's time. */
  private Future<OffsetDateTime> copy(SegmentWriter writer, long next, long to, OffsetDateTime[] lastTime) {
    if (next >= to) {
      return Future.succeededFuture(lastTime[0]);
    }
    long end = Math.min(to, next + PAGE);
    return LedgerPage.read(entries, tree, next, end).compose(page -> {
      List<StoredEntry> rows = page.entries();
      if (rows.size() != end - next) {
        return Future.failedFuture(new IllegalStateException("entries " + next + "-" + end + " are incomplete in the database ("
            + rows.size() + " of " + (end - next) + "); not archiving: run a ledger verification"));
      }
      lastTime[0] = rows.get(rows.size() - 1).time();
      return vertx.executeBlocking(() -> {
        writer.write(rows, page::recorded);
        return null;
      }, true);
    }).compose(x -> copy(writer, end, to, lastTime));
  }

  private Future<Long> record(Ledger l, long from, long to, StoredCheckpoint cp, Path manifest, String sha256, long bytes,
                              OffsetDateTime lastTime) {
    String file = manifest.getFileName().toString();
    return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO audit.segments"
                + " (from_idx, to_idx, file_name, sha256, bytes, checkpoint_size, last_time, verified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now())")
            .execute(Tuple.from(List.of(from, to, file, sha256, bytes, cp.size(), lastTime)))
            .compose(x -> conn.preparedQuery("SELECT audit.prune_entries($1)").execute(Tuple.of(to)))
            .map(rs -> rs.iterator().next().getLong(0)))
        .compose(prunedRows -> {
          metrics.archived(to - from);
          metrics.pruned(prunedRows);
          LOG.info("archived entries {}-{} to {} and pruned {} from the hot ledger", from, to - 1, file, prunedRows,
              kv("event", "audit_retention_archived"));
          return l.recordSystem("audit.retention.archived", "success", file, new JsonObject().put("from", from).put("to", to)
                  .put("sha256", sha256).put("bytes", bytes).put("checkpoint", cp.size()).put("pruned", prunedRows))
              .map(prunedRows);
        });
  }

  private Future<Integer> deleteExpired(Ledger l, Instant now) {
    OffsetDateTime cutoff = now.minus(settings.archiveRetention()).atOffset(ZoneOffset.UTC);
    return pool.preparedQuery("SELECT s.from_idx, s.to_idx, s.file_name FROM audit.segments s WHERE s.last_time < $1"
            + " AND NOT EXISTS (SELECT 1 FROM audit.retention_log r WHERE r.kind = 'segment-deleted' AND r.segment = s.from_idx)"
            + " ORDER BY s.from_idx").execute(Tuple.of(cutoff))
        .compose(rs -> {
          List<long[]> ranges = new ArrayList<>();
          List<String> files = new ArrayList<>();
          rs.forEach(r -> {
            ranges.add(new long[] {r.getLong(0), r.getLong(1)});
            files.add(r.getString(2));
          });
          Future<Integer> chain = Future.succeededFuture(0);
          for (int i = 0; i < ranges.size(); i++) {
            long[] range = ranges.get(i);
            String manifest = files.get(i);
            chain = chain.compose(n -> vertx.executeBlocking(() -> {
                  Path dir = settings.archiveDir();
                  Files.deleteIfExists(dir.resolve(SegmentWriter.baseName(range[0], range[1]) + ".jsonl.gz"));
                  Files.deleteIfExists(dir.resolve(manifest));
                  return null;
                }, true)
                .compose(x -> pool.preparedQuery("INSERT INTO audit.retention_log (kind, segment) VALUES ('segment-deleted', $1)")
                    .execute(Tuple.of(range[0])))
                .compose(x -> l.recordSystem("audit.retention.segment_deleted", "success", manifest,
                    new JsonObject().put("from", range[0]).put("to", range[1])))
                .map(x -> {
                  metrics.segmentDeleted();
                  return n + 1;
                }));
          }
          return chain;
        });
  }
}
