package io.bulwark.audit.ledger;

import io.bulwark.audit.AuditMetrics;
import io.bulwark.ledger.MerkleHash;
import io.bulwark.shared.bus.AppendReply;
import io.bulwark.shared.bus.AppendRequest;
import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.bulwark.shared.ledgerdb.TreeState.FullTile;
import io.bulwark.shared.ledgerdb.TreeState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The single writer of the ledger. Appends queue up while a transaction is in flight and go into the next one together
 * (group commit); each caller is answered only after the transaction holding its entry committed. Runs on the elected
 * leader's own connection, which holds the advisory lock: if that connection is gone, so is the right to write.
 */
public final class LedgerWriter {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerWriter.class);
  private static final String INSERT_ENTRIES = "INSERT INTO audit.entries"
      + " (idx, idempotency_id, entry, leaf_hash, entry_time, category, tenant, actor, action, outcome, request_id)"
      + " SELECT * FROM unnest($1::int8[], $2::text[], $3::bytea[], $4::bytea[], $5::timestamptz[], $6::text[],"
      + " $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])";
  private static final String INSERT_TILES = "INSERT INTO audit.tiles (level, idx, hashes)"
      + " SELECT * FROM unnest($1::int2[], $2::int8[], $3::bytea[])";

  private final SqlConnection conn;
  private final int maxBatch;
  private final AuditMetrics metrics;
  private final Consumer<Throwable> onConnectionLost;
  private final ArrayDeque<List<Pending>> queue = new ArrayDeque<>();
  private TreeState committed;
  private Instant lastTime = Instant.EPOCH;
  private boolean inFlight;
  private Throwable closed;
  private Promise<Void> drained;

  private record Pending(String idempotencyId, CanonicalEntry.Prepared prepared, Promise<AppendReply> promise, long startNanos) {}

  /** An append whose event was already checked and canonicalized. */
  public record Prepared(String idempotencyId, CanonicalEntry.Prepared event) {
    public static Prepared of(AppendRequest r) {
      return new Prepared(r.idempotencyId(), CanonicalEntry.prepare(r.event()));
    }
  }

  public LedgerWriter(SqlConnection conn, TreeState state, int maxBatch, AuditMetrics metrics, Consumer<Throwable> onConnectionLost) {
    this.conn = conn;
    this.committed = state;
    this.maxBatch = maxBatch;
    this.metrics = metrics;
    this.onConnectionLost = onConnectionLost;
    metrics.treeSize(state.size());
  }

  /** Entry times never go backwards, even when this writer's clock is behind the previous writer's. */
  public void notBefore(Instant time) {
    lastTime = time;
  }

  /** The tree as of the last commit. */
  public TreeState committed() {
    return committed;
  }

  /** Appends in order, all in the same transaction. Call on the writer's context. */
  public Future<List<AppendReply>> appendAll(List<Prepared> requests) {
    if (closed != null || drained != null) {
      return Future.failedFuture(new ApiException(503, ErrorCodes.AUDIT_STANDBY, "this audit-service is not the ledger writer"));
    }
    long now = System.nanoTime();
    List<Pending> group = new ArrayList<>(requests.size());
    for (Prepared r : requests) {
      group.add(new Pending(r.idempotencyId(), r.event(), Promise.promise(), now));
    }
    queue.add(group);
    flush();
    return Future.all(group.stream().map(p -> p.promise().future()).toList())
        .map(all -> group.stream().map(p -> p.promise().future().result()).toList());
  }

  /** Stops taking new appends and completes once everything already queued has committed (or failed). */
  public Future<Void> drain() {
    if (drained == null) {
      drained = Promise.promise();
    }
    checkDrained();
    return drained.future();
  }

  private void checkDrained() {
    if (drained != null && !inFlight && queue.isEmpty()) {
      drained.tryComplete();
    }
  }

  /** Stops accepting appends and fails everything still queued. */
  public void close(Throwable reason) {
    closed = reason;
    ApiException e = new ApiException(503, ErrorCodes.AUDIT_UNAVAILABLE, "the ledger writer stopped: " + reason.getMessage());
    queue.forEach(g -> g.forEach(p -> p.promise().tryFail(e)));
    queue.clear();
  }

  private void flush() {
    if (inFlight || queue.isEmpty() || closed != null) {
      checkDrained();
      return;
    }
    List<Pending> batch = new ArrayList<>();
    while (!queue.isEmpty() && (batch.isEmpty() || batch.size() + queue.peek().size() <= maxBatch)) {
      batch.addAll(queue.poll());
    }
    inFlight = true;
    metrics.batch(batch.size());
    write(batch).onComplete(ar -> {
      inFlight = false;
      long end = System.nanoTime();
      if (ar.succeeded()) {
        for (int i = 0; i < batch.size(); i++) {
          Pending p = batch.get(i);
          metrics.appended(end - p.startNanos(), ar.result().get(i).duplicate());
          p.promise().complete(ar.result().get(i));
        }
      } else {
        metrics.appendFailed(batch.size());
        LOG.error("ledger append failed; {} event(s) not written: {}", batch.size(), ar.cause().getMessage(),
            kv("event", "audit_failed"), kv("batch", batch.size()));
        ApiException e = new ApiException(503, ErrorCodes.AUDIT_UNAVAILABLE, "the ledger could not commit the entry");
        batch.forEach(p -> p.promise().tryFail(e));
        if (isConnectionLoss(ar.cause())) {
          onConnectionLost.accept(ar.cause());
          return;
        }
      }
      flush();
    });
  }

  private static boolean isConnectionLoss(Throwable t) {
    String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
    return t instanceof io.vertx.core.VertxException && (m.contains("closed") || m.contains("connection"));
  }

  private Future<List<AppendReply>> write(List<Pending> batch) {
    Map<String, List<Integer>> positions = new LinkedHashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      positions.computeIfAbsent(batch.get(i).idempotencyId(), k -> new ArrayList<>()).add(i);
    }
    String[] ids = positions.keySet().toArray(String[]::new);
    return conn.begin().compose(tx -> conn.preparedQuery("SELECT idempotency_id, idx, leaf_hash FROM audit.entries"
            + " WHERE idempotency_id = ANY($1)").execute(Tuple.of((Object) ids))
        .compose(rs -> {
          Map<String, AppendReply> existing = new HashMap<>();
          for (Row r : rs) {
            existing.put(r.getString(0), new AppendReply(r.getLong(1), MerkleHash.hex(r.getBuffer(2).getBytes()), true));
          }
          return insert(tx, batch, positions, existing);
        })
        .recover(err -> tx.rollback().transform(x -> Future.failedFuture(err))));
  }

  private Future<List<AppendReply>> insert(Transaction tx, List<Pending> batch, Map<String, List<Integer>> positions,
                                           Map<String, AppendReply> existing) {
    AppendReply[] replies = new AppendReply[batch.size()];
    TreeState next = committed.copy();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Instant time = now.isBefore(lastTime) ? lastTime : now;
    OffsetDateTime at = time.atOffset(ZoneOffset.UTC);
    List<Long> idx = new ArrayList<>();
    List<String> idem = new ArrayList<>();
    List<Buffer> entries = new ArrayList<>();
    List<byte[]> leaves = new ArrayList<>();
    List<AuditEvent> events = new ArrayList<>();
    long index = next.size();
    for (Map.Entry<String, List<Integer>> e : positions.entrySet()) {
      AppendReply reply = existing.get(e.getKey());
      boolean first = reply == null;
      if (first) {
        CanonicalEntry.Prepared prepared = batch.get(e.getValue().get(0)).prepared();
        AuditEvent event = prepared.event();
        byte[] entry = prepared.entry(index, time);
        byte[] leaf = MerkleHash.leafHash(entry);
        idx.add(index);
        idem.add(e.getKey());
        entries.add(Buffer.buffer(entry));
        leaves.add(leaf);
        events.add(event);
        reply = new AppendReply(index, MerkleHash.hex(leaf), false);
        index++;
      }
      for (int k = 0; k < e.getValue().size(); k++) {
        AppendReply r = reply;
        replies[e.getValue().get(k)] = first && k == 0 ? r : new AppendReply(r.index(), r.leafHash(), true);
      }
    }
    if (idx.isEmpty()) {
      return tx.commit().map(x -> List.of(replies));
    }
    List<FullTile> tiles = next.append(leaves);
    Future<?> write = conn.preparedQuery(INSERT_ENTRIES).execute(Tuple.tuple(List.of(
        idx.toArray(Long[]::new), idem.toArray(String[]::new), entries.toArray(Buffer[]::new),
        leaves.stream().map(Buffer::buffer).toArray(Buffer[]::new),
        java.util.Collections.nCopies(idx.size(), at).toArray(OffsetDateTime[]::new),
        events.stream().map(AuditEvent::category).toArray(String[]::new),
        events.stream().map(AuditEvent::tenant).toArray(String[]::new),
        events.stream().map(AuditEvent::actor).toArray(String[]::new),
        events.stream().map(AuditEvent::action).toArray(String[]::new),
        events.stream().map(AuditEvent::outcome).toArray(String[]::new),
        events.stream().map(AuditEvent::requestId).toArray(String[]::new))));
    if (!tiles.isEmpty()) {
      write = write.compose(x -> conn.preparedQuery(INSERT_TILES).execute(Tuple.of(
          tiles.stream().map(t -> (short) t.level()).toArray(Short[]::new),
          tiles.stream().map(FullTile::index).toArray(Long[]::new),
          tiles.stream().map(t -> Buffer.buffer(t.hashes())).toArray(Buffer[]::new))));
    }
    return write.compose(x -> tx.commit()).map(x -> {
      committed = next;
      lastTime = time;
      metrics.treeSize(next.size());
      return List.of(replies);
    });
  }
}
