package io.bulwark.alert.lifecycle;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code alert.silences} table. */
public final class SilenceStore {
  private static final String COLUMNS = "id, matchers, starts_at, ends_at, created_by, comment, created_at, expired_by";
  private final Pool pool;

  public SilenceStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Silence> insert(Silence s) {
    JsonArray matchers = new JsonArray();
    s.matchers().forEach(m -> matchers.add(m.toJson()));
    return pool.preparedQuery("INSERT INTO alert.silences (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)")
        .execute(Tuple.of(s.id(), matchers, at(s.startsAt()), at(s.endsAt()), s.createdBy(), s.comment(), at(s.createdAt())))
        .map(s);
  }

  /** Silences that have not ended at {@code now} (active and pending), or all of them, newest first, at most {@code limit}. */
  public Future<List<Silence>> list(boolean unexpiredOnly, Instant now, int limit) {
    String where = unexpiredOnly ? " WHERE ends_at > $1" : " WHERE $1::timestamptz IS NOT NULL";
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM alert.silences" + where + " ORDER BY created_at DESC LIMIT $2")
        .execute(Tuple.of(at(now), limit)).map(rows -> {
          List<Silence> out = new ArrayList<>();
          rows.forEach(r -> out.add(read(r)));
          return out;
        });
  }

  public Future<Optional<Silence>> find(UUID id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM alert.silences WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(read(rows.iterator().next())));
  }

  /** Ends a silence now (a pending one is ended before it began); an already expired one is left as it was. */
  public Future<Optional<Silence>> expire(UUID id, String actor, Instant now) {
    return pool.preparedQuery("UPDATE alert.silences SET ends_at = GREATEST(starts_at + interval '1 millisecond', $2::timestamptz),"
            + " expired_by = $3 WHERE id = $1 AND ends_at > $2 RETURNING " + COLUMNS)
        .execute(Tuple.of(id, at(now), actor))
        .compose(rows -> rows.size() == 0 ? find(id) : Future.succeededFuture(Optional.of(read(rows.iterator().next()))));
  }

  private static Silence read(Row r) {
    List<LabelMatcher> matchers = new ArrayList<>();
    ((JsonArray) r.getValue("matchers")).forEach(m -> matchers.add(LabelMatcher.fromJson(m)));
    return new Silence(r.getUUID("id"), List.copyOf(matchers), r.getOffsetDateTime("starts_at").toInstant(),
        r.getOffsetDateTime("ends_at").toInstant(), r.getString("created_by"), r.getString("comment"),
        r.getOffsetDateTime("created_at").toInstant(), r.getString("expired_by"));
  }

  static OffsetDateTime at(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }
}
