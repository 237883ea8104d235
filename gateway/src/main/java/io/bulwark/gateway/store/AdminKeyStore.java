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
}
