package io.bulwark.audit.store;

import io.bulwark.audit.ledger.CanonicalEntry;
import io.bulwark.ledger.MerkleHash;
import io.bulwark.shared.bus.AppendReply;
import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.bus.EntryReply;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.Optional;

/** SQL of {@code audit.entries}. */
public final class EntryStore {
  /** Advisory lock key that serialises index assignment ("bulwark.audit.ledger"). */
  private static final long LEDGER_LOCK = 0x62756c7761726bL;
  private final Pool pool;

  public EntryStore(Pool pool) {
    this.pool = pool;
  }

  /** Appends in one transaction; the future completes only after commit. */
  public Future<AppendReply> append(String idempotencyId, AuditEvent event) {
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(LEDGER_LOCK))
        .compose(x -> existing(conn, idempotencyId))
        .compose(found -> found.isPresent() ? Future.succeededFuture(found.get()) : insert(conn, idempotencyId, event)));
  }

  private static Future<Optional<AppendReply>> existing(SqlConnection conn, String idempotencyId) {
    return conn.preparedQuery("SELECT idx, leaf_hash FROM audit.entries WHERE idempotency_id = $1")
        .execute(Tuple.of(idempotencyId))
        .map(rs -> {
          for (Row r : rs) {
            return Optional.of(new AppendReply(r.getLong(0), MerkleHash.hex(r.getBuffer(1).getBytes()), true));
          }
          return Optional.empty();
        });
  }

  private static Future<AppendReply> insert(SqlConnection conn, String idempotencyId, AuditEvent event) {
    return conn.query("SELECT coalesce(max(idx) + 1, 0) FROM audit.entries").execute()
        .compose(rs -> {
          long index = rs.iterator().next().getLong(0);
          byte[] entry = CanonicalEntry.of(index, Instant.now(), event);
          byte[] leaf = MerkleHash.leafHash(entry);
          return conn.preparedQuery("INSERT INTO audit.entries (idx, idempotency_id, entry, leaf_hash) VALUES ($1, $2, $3, $4)")
              .execute(Tuple.of(index, idempotencyId, Buffer.buffer(entry), Buffer.buffer(leaf)))
              .map(x -> new AppendReply(index, MerkleHash.hex(leaf), false));
        });
  }

  public Future<Optional<EntryReply>> find(long index) {
    return pool.preparedQuery("SELECT idx, entry, leaf_hash, recorded_at FROM audit.entries WHERE idx = $1")
        .execute(Tuple.of(index))
        .map(rs -> {
          for (Row r : rs) {
            return Optional.of(new EntryReply(r.getLong(0), CanonicalEntry.text(r.getBuffer(1).getBytes()),
                MerkleHash.hex(r.getBuffer(2).getBytes()), r.getOffsetDateTime(3).toInstant().toString()));
          }
          return Optional.empty();
        });
  }
}
