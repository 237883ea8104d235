package io.bulwark.gateway.store;

import io.bulwark.gateway.tenant.KeyRecord;
import io.bulwark.gateway.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code gateway.tenants} and {@code gateway.tenant_keys}. Writes take the client of the caller's transaction. */
public final class TenantStore {
  private static final String KEY_COLUMNS = "k.id, k.tenant_id, k.name, k.scopes, k.created_at, k.created_by, k.expires_at,"
      + " k.revoked_at, k.revoked_by, k.replaced_by, t.status = 'active' AS tenant_active";
  private static final String TENANT_COLUMNS = "id, name, status, created_at, created_by, suspended_at, suspended_reason";
  private final Pool pool;

  public TenantStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /** Inserts a tenant; empty when the id is taken. */
  public Future<Optional<Tenant>> insertTenant(SqlClient tx, String id, String name, String by) {
    return tx.preparedQuery("INSERT INTO gateway.tenants (id, name, created_by) VALUES ($1, $2, $3)"
            + " ON CONFLICT (id) DO NOTHING RETURNING " + TENANT_COLUMNS)
        .execute(Tuple.of(id, name, by)).map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(tenant(rs.iterator().next())));
  }

  public Future<Optional<Tenant>> tenant(SqlClient client, String id, boolean lock) {
    return client.preparedQuery("SELECT " + TENANT_COLUMNS + " FROM gateway.tenants WHERE id = $1" + (lock ? " FOR UPDATE" : ""))
        .execute(Tuple.of(id)).map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(tenant(rs.iterator().next())));
  }

  /** One page of tenants in id order after {@code after} (exclusive; null for the first page). */
  public Future<List<Tenant>> tenants(String after, String status, int limit) {
    return pool.preparedQuery("SELECT " + TENANT_COLUMNS + " FROM gateway.tenants WHERE ($1::text IS NULL OR id > $1)"
            + " AND ($2::text IS NULL OR status = $2) ORDER BY id LIMIT $3")
        .execute(Tuple.of(after, status, limit)).map(rs -> {
          List<Tenant> out = new ArrayList<>();
          rs.forEach(r -> out.add(tenant(r)));
          return out;
        });
  }

  public Future<Tenant> setStatus(SqlClient tx, String id, String status, String reason) {
    return tx.preparedQuery("UPDATE gateway.tenants SET status = $2, updated_at = now(),"
            + " suspended_at = CASE WHEN $2 = 'suspended' THEN now() END, suspended_reason = CASE WHEN $2 = 'suspended' THEN $3 END"
            + " WHERE id = $1 RETURNING " + TENANT_COLUMNS)
        .execute(Tuple.of(id, status, reason)).map(rs -> tenant(rs.iterator().next()));
  }

  public Future<KeyRecord> insertKey(SqlClient tx, String keyId, String tenant, byte[] hash, String name, Set<String> scopes,
                                     Instant expiresAt, String by) {
    return tx.preparedQuery("WITH k AS (INSERT INTO gateway.tenant_keys (id, tenant_id, key_hash, name, scopes, expires_at, created_by)"
            + " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *)"
            + " SELECT " + KEY_COLUMNS + " FROM k JOIN gateway.tenants t ON t.id = k.tenant_id")
        .execute(Tuple.of(keyId, tenant, Buffer.buffer(hash), name, scopes.toArray(new String[0]), utc(expiresAt), by))
        .map(rs -> key(rs.iterator().next()));
  }

  public Future<List<KeyRecord>> keys(String tenant) {
    return pool.preparedQuery("SELECT " + KEY_COLUMNS + " FROM gateway.tenant_keys k JOIN gateway.tenants t ON t.id = k.tenant_id"
            + " WHERE k.tenant_id = $1 ORDER BY k.created_at, k.id")
        .execute(Tuple.of(tenant)).map(rs -> {
          List<KeyRecord> out = new ArrayList<>();
          rs.forEach(r -> out.add(key(r)));
          return out;
        });
  }

  /** A key of the given tenant, locked for the caller's transaction. */
  public Future<Optional<KeyRecord>> keyForUpdate(SqlClient tx, String tenant, String keyId) {
    return tx.preparedQuery("SELECT " + KEY_COLUMNS + " FROM gateway.tenant_keys k JOIN gateway.tenants t ON t.id = k.tenant_id"
            + " WHERE k.tenant_id = $1 AND k.id = $2 FOR UPDATE OF k")
        .execute(Tuple.of(tenant, keyId)).map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(key(rs.iterator().next())));
  }

  public Future<KeyRecord> revoke(SqlClient tx, String keyId, String by) {
    return update(tx, "revoked_at = now(), revoked_by = $2", Tuple.of(keyId, by));
  }

  /** Marks {@code keyId} as replaced by {@code newId}, usable until {@code until}. */
  public Future<KeyRecord> replace(SqlClient tx, String keyId, String newId, Instant until) {
    return update(tx, "replaced_by = $2, expires_at = LEAST(COALESCE(expires_at, $3), $3)", Tuple.of(keyId, newId, utc(until)));
  }

  private Future<KeyRecord> update(SqlClient tx, String set, Tuple args) {
    return tx.preparedQuery("WITH k AS (UPDATE gateway.tenant_keys SET " + set + " WHERE id = $1 RETURNING *)"
            + " SELECT " + KEY_COLUMNS + " FROM k JOIN gateway.tenants t ON t.id = k.tenant_id")
        .execute(args).map(rs -> key(rs.iterator().next()));
  }

  /** The key with this hash, for authentication. */
  public Future<Optional<KeyRecord>> byHash(byte[] hash) {
    return pool.preparedQuery("SELECT " + KEY_COLUMNS + " FROM gateway.tenant_keys k JOIN gateway.tenants t ON t.id = k.tenant_id"
            + " WHERE k.key_hash = $1")
        .execute(Tuple.of(Buffer.buffer(hash))).map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(key(rs.iterator().next())));
  }

  /** Usable keys across all tenants: how many, when the oldest was issued, how many are older than {@code maxAgeDays}. */
  public Future<io.vertx.core.json.JsonObject> usableKeyAges(int maxAgeDays) {
    return pool.preparedQuery("SELECT count(*), min(created_at), count(*) FILTER (WHERE created_at < now() - make_interval(days => $1))"
            + " FROM gateway.tenant_keys WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())")
        .execute(Tuple.of(maxAgeDays)).map(rs -> {
          Row r = rs.iterator().next();
          OffsetDateTime oldest = r.getOffsetDateTime(1);
          return new io.vertx.core.json.JsonObject().put("usable", r.getLong(0))
              .put("oldestCreatedAt", oldest == null ? null : oldest.toInstant().toString())
              .put("olderThanMaxAge", r.getLong(2));
        });
  }

  private static OffsetDateTime utc(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(Row r, String col) {
    OffsetDateTime t = r.getOffsetDateTime(col);
    return t == null ? null : t.toInstant();
  }

  private static Tenant tenant(Row r) {
    return new Tenant(r.getString("id"), r.getString("name"), r.getString("status"), r.getOffsetDateTime("created_at"),
        r.getString("created_by"), r.getOffsetDateTime("suspended_at"), r.getString("suspended_reason"));
  }

  private static KeyRecord key(Row r) {
    return new KeyRecord(r.getString("id"), r.getString("tenant_id"), r.getString("name"), Set.of(r.getArrayOfStrings("scopes")),
        instant(r, "created_at"), r.getString("created_by"), instant(r, "expires_at"), instant(r, "revoked_at"),
        r.getString("revoked_by"), r.getString("replaced_by"), r.getBoolean("tenant_active"));
  }
}
