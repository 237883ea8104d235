package io.bulwark.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Hashes of generated admin keys in {@code gateway.admin_keys}. */
public final class AdminKeyStore {
  private final Pool pool;

  public AdminKeyStore(Pool pool) {
    this.pool = pool;
  }

  public Future<List<byte[]>> activeHashes() {
    return pool.query("SELECT key_hash FROM gateway.admin_keys WHERE revoked_at IS NULL ORDER BY created_at").execute()
        .map(rs -> {
          List<byte[]> out = new ArrayList<>();
          for (Row r : rs) {
            out.add(r.getBuffer(0).getBytes());
          }
          return out;
        });
  }

  public Future<Void> insertGenerated(String fingerprint, byte[] hash) {
    return pool.preparedQuery("INSERT INTO gateway.admin_keys (fingerprint, key_hash, origin) VALUES ($1, $2, 'generated')")
        .execute(Tuple.of(fingerprint, io.vertx.core.buffer.Buffer.buffer(hash))).mapEmpty();
  }

  /** Records that the gateway runs with these keys now; the first sighting of each is kept. */
  public Future<Void> sighted(List<String> fingerprints) {
    return pool.preparedQuery("INSERT INTO gateway.admin_key_sightings (fingerprint) SELECT unnest($1::text[])"
            + " ON CONFLICT (fingerprint) DO UPDATE SET last_seen = now()")
        .execute(Tuple.of(fingerprints.toArray(new String[0]))).mapEmpty();
  }

  /** When each of these keys was first seen, by fingerprint (generated keys: when they were generated). */
  public Future<java.util.Map<String, java.time.Instant>> firstSeen(List<String> fingerprints) {
    return pool.preparedQuery("SELECT s.fingerprint, least(s.first_seen, k.created_at) FROM gateway.admin_key_sightings s"
            + " LEFT JOIN gateway.admin_keys k ON k.fingerprint = s.fingerprint WHERE s.fingerprint = ANY($1::text[])")
        .execute(Tuple.of(fingerprints.toArray(new String[0]))).map(rs -> {
          java.util.Map<String, java.time.Instant> out = new java.util.HashMap<>();
          for (Row r : rs) {
            out.put(r.getString(0), r.getOffsetDateTime(1).toInstant());
          }
          return out;
        });
  }
}
