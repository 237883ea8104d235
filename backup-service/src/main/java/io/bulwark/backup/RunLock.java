package io.bulwark.backup;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * A transaction-scoped advisory lock on the catalog database, held for the length of a run, so two backup-service
 * instances never run the same kind of work at once; it goes away with the transaction, even if the process dies.
 */
final class RunLock {
  static final long BACKUP = 0x42574b0001L;
  static final long CHECK = 0x42574b0002L;
  private final SqlConnection conn;

  private RunLock(SqlConnection conn) {
    this.conn = conn;
  }

  /** The lock, or null when another instance holds it. */
  static Future<RunLock> tryAcquire(Pool pool, long key) {
    return pool.getConnection().compose(conn -> conn.query("BEGIN").execute()
        .compose(x -> conn.preparedQuery("SELECT pg_try_advisory_xact_lock($1)").execute(Tuple.of(key)))
        .compose(rs -> {
          if (rs.iterator().next().getBoolean(0)) {
            return Future.succeededFuture(new RunLock(conn));
          }
          return conn.query("ROLLBACK").execute().eventually(conn::close).map((RunLock) null);
        })
        .recover(err -> conn.close().transform(x -> Future.failedFuture(err))));
  }

  Future<Void> release() {
    return conn.query("ROLLBACK").execute().eventually(conn::close).mapEmpty();
  }
}
