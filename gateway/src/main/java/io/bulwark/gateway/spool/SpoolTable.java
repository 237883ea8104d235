package io.bulwark.gateway.spool;

import io.bulwark.shared.bus.AppendRequest;
import io.bulwark.shared.bus.AuditEvent;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code gateway.audit_spool}: batches in with one statement, batches out oldest first under {@code FOR UPDATE SKIP
 * LOCKED} so several gateways can drain one table without sending a row twice at the same time.
 */
final class SpoolTable {
  /** Ceiling for one statement; the pool's own connect timeout covers acquiring a connection. */
  static final long SQL_TIMEOUT_MS = 10_000;
  private static final int MAX_ERROR = 500;
  // WITH ORDINALITY keeps the batch's order in the bigserial ids, so draining by id is oldest first
  private static final String INSERT = "INSERT INTO gateway.audit_spool (idempotency_id, event)"
      + " SELECT t.id, t.ev::jsonb FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(id, ev, n) ORDER BY t.n"
      + " ON CONFLICT (idempotency_id) DO NOTHING";
  private static final String CLAIM = "SELECT id, idempotency_id, event FROM gateway.audit_spool"
      + " ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED";
  private static final String DELETE = "DELETE FROM gateway.audit_spool WHERE id = ANY($1::bigint[])";
  private static final String FAILED = "UPDATE gateway.audit_spool SET attempts = attempts + 1, last_error = $2"
      + " WHERE id = ANY($1::bigint[])";
  private static final String OLDEST = "SELECT (extract(epoch FROM enqueued_at) * 1000)::bigint FROM gateway.audit_spool"
      + " ORDER BY id LIMIT 1";
  private static final String STATS = "SELECT count(*), (extract(epoch FROM min(enqueued_at)) * 1000)::bigint"
      + " FROM gateway.audit_spool";

  /** Rows in the table and when the oldest was enqueued (epoch millis, 0 when empty). */
  record Stats(long rows, long oldestMs) {}

  /** One drain round: how many rows it claimed, what audit-service said, and the oldest row left afterwards. */
  record Drained(int rows, SendOutcome outcome, long oldestMs) {
    boolean empty() {
      return rows == 0;
    }
  }

  private final Pool pool;

  SpoolTable(Pool pool) {
    this.pool = pool;
  }

  /** Inserts the batch; returns how many rows were new (a retried insert of the same ids adds none). */
  Future<Integer> insert(List<AppendRequest> batch) {
    String[] ids = new String[batch.size()];
    String[] events = new String[batch.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = batch.get(i).idempotencyId();
      events[i] = batch.get(i).event().toJson().encode();
    }
    return pool.preparedQuery(INSERT).execute(Tuple.of((Object) ids, (Object) events))
        .map(rs -> rs.rowCount())
        .timeout(SQL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  /**
   * Claims up to {@code limit} of the oldest rows, hands them to {@code send} with their original idempotency ids, and
   * in the same transaction deletes them (acknowledged or rejected) or records the attempt (unavailable). The rows stay
   * locked while audit-service is asked, which is what keeps another gateway from sending them at the same time.
   */
  Future<Drained> drain(int limit, long sendTimeoutMs, Function<List<AppendRequest>, Future<SendOutcome>> send) {
    return pool.withTransaction(conn -> conn.preparedQuery(CLAIM).execute(Tuple.of(limit)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(new Drained(0, SendOutcome.ACK, 0));
      }
      Long[] ids = new Long[rows.size()];
      List<AppendRequest> batch = new ArrayList<>(rows.size());
      int i = 0;
      for (Row row : rows) {
        ids[i++] = row.getLong(0);
        batch.add(new AppendRequest(row.getString(1), AuditEvent.fromJson(row.getJsonObject(2))));
      }
      return send.apply(batch).compose(outcome -> settle(conn, ids, outcome)
          .compose(v -> oldest(conn))
          .map(oldest -> new Drained(ids.length, outcome, oldest)));
    })).timeout(sendTimeoutMs + SQL_TIMEOUT_MS * 2, TimeUnit.MILLISECONDS);
  }

  /** Exact count and oldest row: a full scan, so it runs every few seconds, never per event. */
  Future<Stats> stats() {
    return pool.query(STATS).execute().map(rs -> {
      Row row = rs.iterator().next();
      Long oldest = row.getLong(1);
      return new Stats(row.getLong(0), oldest == null ? 0 : oldest);
    }).timeout(SQL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  private static Future<Void> settle(SqlConnection conn, Long[] ids, SendOutcome outcome) {
    if (outcome.kind() == SendOutcome.Kind.UNAVAILABLE) {
      String error = outcome.reason() == null ? "unavailable" : outcome.reason();
      return conn.preparedQuery(FAILED)
          .execute(Tuple.of((Object) ids, error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error)).mapEmpty();
    }
    return conn.preparedQuery(DELETE).execute(Tuple.of((Object) ids)).mapEmpty();
  }

  /** The oldest row still waiting, through the primary key index: cheap enough after every drained batch. */
  private static Future<Long> oldest(SqlConnection conn) {
    return conn.query(OLDEST).execute().map(rs -> {
      if (rs.size() == 0) {
        return 0L;
      }
      Long v = rs.iterator().next().getLong(0);
      return v == null ? 0L : v;
    });
  }
}
