package io.bulwark.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/** {@code gateway.regulator_sessions}: regulator tokens by SHA-256, with their expiry. */
public final class RegulatorSessionStore {
  private final Pool pool;

  /** A live session: which access code opened it and until when. */
  public record Session(String codeName, Instant createdAt, Instant expiresAt) {}

  public RegulatorSessionStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Session> insert(byte[] tokenHash, String codeName, Instant expiresAt, String sourceIp) {
    return pool.preparedQuery("INSERT INTO gateway.regulator_sessions (token_hash, code_name, expires_at, source_ip)"
            + " VALUES ($1, $2, $3, $4) RETURNING code_name, created_at, expires_at")
        .execute(Tuple.of(Buffer.buffer(tokenHash), codeName, OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC), sourceIp))
        .map(rs -> session(rs.iterator().next()));
  }

  /** The session of a token, unless it has expired (the database's clock decides, the same for every gateway). */
  public Future<Optional<Session>> live(byte[] tokenHash) {
    return pool.preparedQuery("SELECT code_name, created_at, expires_at FROM gateway.regulator_sessions"
            + " WHERE token_hash = $1 AND expires_at > now()")
        .execute(Tuple.of(Buffer.buffer(tokenHash)))
        .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(session(rs.iterator().next())));
  }

  /** Ends the live sessions opened with one code (or all, when {@code codeName} is null); how many ended. */
  public Future<Integer> end(io.vertx.sqlclient.SqlClient tx, String codeName) {
    return tx.preparedQuery("DELETE FROM gateway.regulator_sessions WHERE ($1::text IS NULL OR code_name = $1)"
            + " AND expires_at > now()").execute(Tuple.of(codeName)).map(rs -> rs.rowCount());
  }

  public Pool pool() {
    return pool;
  }

  /** Deletes sessions that expired more than a day ago; the ledger keeps the record of each login. */
  public Future<Integer> sweep() {
    return pool.query("DELETE FROM gateway.regulator_sessions WHERE expires_at < now() - interval '1 day'").execute()
        .map(rs -> rs.rowCount());
  }

  private static Session session(Row r) {
    return new Session(r.getString(0), r.getOffsetDateTime(1).toInstant(), r.getOffsetDateTime(2).toInstant());
  }
}
