package io.bulwark.shared.ledgerdb;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL of {@code audit.checkpoints} and {@code audit.signing_keys}. */
public final class CheckpointStore {
  private final SqlClient sql;

  /** A stored checkpoint: the signed note exactly as served. */
  public record StoredCheckpoint(long size, byte[] root, String note, String keyId, java.time.Instant createdAt) {}

  /** A registered signing identity. */
  public record KeyIdentity(String keyId, String name, String vkey, java.time.Instant validFrom, java.time.Instant validTo) {
    public JsonObject toJson() {
      return new JsonObject().put("keyId", keyId).put("name", name).put("vkey", vkey)
          .put("validFrom", validFrom.toString()).put("validTo", validTo == null ? null : validTo.toString());
    }
  }

  public CheckpointStore(SqlClient sql) {
    this.sql = sql;
  }

  /** Stores a checkpoint; false when one of that size exists already (another writer got there first). */
  public Future<Boolean> insert(long size, byte[] root, String note, String keyId) {
    return sql.preparedQuery("INSERT INTO audit.checkpoints (tree_size, root_hash, note, key_id) VALUES ($1, $2, $3, $4)"
            + " ON CONFLICT (tree_size) DO NOTHING")
        .execute(Tuple.of(size, Buffer.buffer(root), note, keyId))
        .map(rs -> rs.rowCount() == 1);
  }

  public Future<Optional<StoredCheckpoint>> latest() {
    return one("SELECT tree_size, root_hash, note, key_id, created_at FROM audit.checkpoints ORDER BY tree_size DESC LIMIT 1", Tuple.tuple());
  }

  /** The smallest checkpoint whose tree holds {@code size} entries or more. */
  public Future<Optional<StoredCheckpoint>> covering(long size) {
    return one("SELECT tree_size, root_hash, note, key_id, created_at FROM audit.checkpoints WHERE tree_size >= $1"
        + " ORDER BY tree_size LIMIT 1", Tuple.of(size));
  }

  public Future<Optional<StoredCheckpoint>> atSize(long size) {
    return one("SELECT tree_size, root_hash, note, key_id, created_at FROM audit.checkpoints WHERE tree_size = $1", Tuple.of(size));
  }

  /**
   * Checkpoints with sizes in [from, to], ascending: all of them up to {@code max}, else an even spread of about
   * {@code max} that always includes the largest. Thinned out by the database, so a busy year of one checkpoint a
   * second never crosses the wire.
   */
  public Future<List<StoredCheckpoint>> spread(long from, long to, int max) {
    return sql.preparedQuery("SELECT tree_size, root_hash, note, key_id, created_at FROM ("
            + " SELECT c.*, row_number() OVER (ORDER BY tree_size) AS rn, count(*) OVER () AS n FROM audit.checkpoints c"
            + " WHERE tree_size >= $1 AND tree_size <= $2) x"
            + " WHERE (rn - 1) % greatest(1, ceil(n::numeric / $3)::bigint) = 0 OR rn = n ORDER BY tree_size")
        .execute(Tuple.of(from, to, max))
        .map(rs -> {
          List<StoredCheckpoint> out = new ArrayList<>();
          rs.forEach(r -> out.add(row(r)));
          return out;
        });
  }

  private Future<Optional<StoredCheckpoint>> one(String query, Tuple args) {
    return sql.preparedQuery(query).execute(args).map(rs -> {
      for (Row r : rs) {
        return Optional.of(row(r));
      }
      return Optional.empty();
    });
  }

  private static StoredCheckpoint row(Row r) {
    return new StoredCheckpoint(r.getLong(0), r.getBuffer(1).getBytes(), r.getString(2), r.getString(3),
        r.getOffsetDateTime(4).toInstant());
  }

  /** Registers a signing identity unless it is known; true when it was new. */
  public Future<Boolean> registerKey(String keyId, String name, String vkey) {
    return sql.preparedQuery("INSERT INTO audit.signing_keys (key_id, name, vkey) VALUES ($1, $2, $3) ON CONFLICT (key_id) DO NOTHING")
        .execute(Tuple.of(keyId, name, vkey))
        .map(rs -> rs.rowCount() == 1);
  }

  /** Every identity, oldest first, each valid until the next one's start. */
  public Future<List<KeyIdentity>> keys() {
    return sql.query("SELECT key_id, name, vkey, valid_from, lead(valid_from) OVER (ORDER BY valid_from, key_id)"
            + " FROM audit.signing_keys ORDER BY valid_from, key_id").execute()
        .map(rs -> {
          List<KeyIdentity> out = new ArrayList<>();
          for (Row r : rs) {
            out.add(new KeyIdentity(r.getString(0), r.getString(1), r.getString(2), r.getOffsetDateTime(3).toInstant(),
                r.getOffsetDateTime(4) == null ? null : r.getOffsetDateTime(4).toInstant()));
          }
          return out;
        });
  }
}
