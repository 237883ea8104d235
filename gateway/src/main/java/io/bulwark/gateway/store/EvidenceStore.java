package io.bulwark.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** {@code gateway.evidence_packs}: stored evidence packs, immutable once written (a trigger refuses changes). */
public final class EvidenceStore {
  private static final String COLUMNS = "seq, id, tenant_id, tag, created_at, created_by, request_id, sha256, bytes, entries,"
      + " checkpoint_size";
  private final Pool pool;

  /** A pack's description, without its content. */
  public record Pack(long seq, String id, String tenant, String tag, Instant createdAt, String createdBy, String requestId,
                     byte[] sha256, long bytes, long entries, long checkpointSize) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("tenant", tenant).put("tag", tag).put("createdAt", createdAt.toString())
          .put("createdBy", createdBy).put("requestId", requestId).put("sha256", HexFormat.of().formatHex(sha256))
          .put("bytes", bytes).put("entries", entries).put("checkpointSize", checkpointSize);
    }

    /** The RFC 9530 {@code Repr-Digest} header value for the pack's bytes. */
    public String reprDigest() {
      return "sha-256=:" + Base64.getEncoder().encodeToString(sha256) + ":";
    }
  }

  /** A pack and its exact bytes. */
  public record Content(Pack pack, Buffer bytes) {}

  public EvidenceStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  public Future<Pack> insert(SqlClient tx, Pack p, Buffer content) {
    return tx.preparedQuery("INSERT INTO gateway.evidence_packs (id, tenant_id, tag, created_at, created_by, request_id, sha256,"
            + " bytes, entries, checkpoint_size, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING " + COLUMNS)
        .execute(Tuple.from(new Object[] {p.id(), p.tenant(), p.tag(), p.createdAt().atOffset(java.time.ZoneOffset.UTC),
            p.createdBy(), p.requestId(), Buffer.buffer(p.sha256()), p.bytes(), p.entries(), p.checkpointSize(), content}))
        .map(rs -> pack(rs.iterator().next()));
  }

  /** Newest first, below the cursor {@code beforeSeq} (null for the first page); one tenant's, or all when null. */
  public Future<List<Pack>> list(String tenant, Long beforeSeq, int limit) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM gateway.evidence_packs WHERE ($1::text IS NULL OR tenant_id = $1)"
            + " AND ($2::bigint IS NULL OR seq < $2) ORDER BY seq DESC LIMIT $3")
        .execute(Tuple.of(tenant, beforeSeq, limit)).map(rs -> {
          List<Pack> out = new ArrayList<>();
          rs.forEach(r -> out.add(pack(r)));
          return out;
        });
  }

  public Future<Optional<Content>> content(String id) {
    return pool.preparedQuery("SELECT " + COLUMNS + ", content FROM gateway.evidence_packs WHERE id = $1").execute(Tuple.of(id))
        .map(rs -> {
          if (rs.size() == 0) {
            return Optional.empty();
          }
          Row r = rs.iterator().next();
          return Optional.of(new Content(pack(r), r.getBuffer("content")));
        });
  }

  private static Pack pack(Row r) {
    return new Pack(r.getLong("seq"), r.getString("id"), r.getString("tenant_id"), r.getString("tag"),
        r.getOffsetDateTime("created_at").toInstant(), r.getString("created_by"), r.getString("request_id"),
        r.getBuffer("sha256").getBytes(), r.getLong("bytes"), r.getLong("entries"), r.getLong("checkpoint_size"));
  }
}
