package io.bulwark.alert.lifecycle;

import static io.bulwark.alert.lifecycle.SilenceStore.at;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/** The {@code alert.alerts} table: the open alerts are loaded at start, every change is written before it is announced. */
public final class AlertStore {
  static final String COLUMNS = "id, fingerprint, rule, source, severity, state, labels, annotations, value, active_at,"
      + " started_at, firing_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, comment, ends_at, silenced_by,"
      + " inhibited, notified_state, version, updated_at";
  /**
   * Every new alert of a step in one statement (arrays of columns, unnested): PostgreSQL plans and executes once per
   * step rather than once per row, which for a flood of new alerts was most of the database's share of the work.
   */
  private static final String INSERT = "INSERT INTO alert.alerts (" + COLUMNS + ") SELECT id, fingerprint, rule, source,"
      + " severity, state, labels::jsonb, annotations::jsonb, value, active_at, started_at, firing_at, acknowledged_at,"
      + " acknowledged_by, resolved_at, resolved_by, comment, ends_at, silenced_by, inhibited, notified_state, version,"
      + " updated_at FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
      + " $8::text[], $9::float8[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[],"
      + " $14::text[], $15::timestamptz[], $16::text[], $17::text[], $18::timestamptz[], $19::uuid[], $20::bool[],"
      + " $21::text[], $22::int8[], $23::timestamptz[]) AS u(" + COLUMNS + ")";
  /**
   * {@code notified_state} is the notifier's column and is never written here; {@code version} only moves forward, so the
   * notifier's guarded update fails when the alert changed under it. A trigger moves {@code change_seq} on every write (V4),
   * so the notifier finds what changed since its last look. One statement for all of a step's changes, like the insert.
   */
  private static final String UPDATE = "UPDATE alert.alerts a SET state = u.state, annotations = u.annotations::jsonb,"
      + " value = u.value, firing_at = u.firing_at, acknowledged_at = u.acknowledged_at, acknowledged_by = u.acknowledged_by,"
      + " resolved_at = u.resolved_at, resolved_by = u.resolved_by, comment = u.comment, ends_at = u.ends_at,"
      + " silenced_by = u.silenced_by, inhibited = u.inhibited, version = u.version, updated_at = u.updated_at"
      + " FROM unnest($1::uuid[], $2::text[], $3::text[], $4::float8[], $5::timestamptz[], $6::timestamptz[], $7::text[],"
      + " $8::timestamptz[], $9::text[], $10::text[], $11::timestamptz[], $12::uuid[], $13::bool[], $14::int8[],"
      + " $15::timestamptz[]) AS u(id, state, annotations, value, firing_at, acknowledged_at, acknowledged_by, resolved_at,"
      + " resolved_by, comment, ends_at, silenced_by, inhibited, version, updated_at) WHERE a.id = u.id";
  private final Pool pool;

  public AlertStore(Pool pool) {
    this.pool = pool;
  }

  public Future<List<AlertRow>> loadOpen() {
    return pool.query("SELECT " + COLUMNS + " FROM alert.alerts WHERE state <> 'resolved'").execute().map(rows -> {
      List<AlertRow> out = new ArrayList<>();
      rows.forEach(r -> out.add(read(r)));
      return out;
    });
  }

  /** Writes new and changed alerts in one transaction: either every change of an evaluation is kept or none. */
  public Future<Void> write(List<AlertRow> inserted, List<AlertRow> updated) {
    if (inserted.isEmpty() && updated.isEmpty()) {
      return Future.succeededFuture();
    }
    Tuple ins = inserted.isEmpty() ? null : insertColumns(inserted);
    Tuple upd = updated.isEmpty() ? null : updateColumns(updated);
    return pool.withTransaction(conn -> run(conn, INSERT, ins).compose(x -> run(conn, UPDATE, upd)));
  }

  private static Future<Void> run(SqlConnection conn, String sql, Tuple columns) {
    return columns == null ? Future.succeededFuture() : conn.preparedQuery(sql).execute(columns).mapEmpty();
  }

  public Future<Optional<AlertRow>> find(UUID id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM alert.alerts WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(read(rows.iterator().next())));
  }

  /** Alerts, most recently changed first; {@code state} "open" means not resolved; labels are exact matches. */
  public Future<List<AlertRow>> list(String state, String severity, Map<String, String> labels, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM alert.alerts WHERE true");
    List<Object> args = new ArrayList<>();
    if ("open".equals(state)) {
      sql.append(" AND state <> 'resolved'");
    } else if (state != null) {
      args.add(state);
      sql.append(" AND state = $").append(args.size());
    }
    if (severity != null) {
      args.add(severity);
      sql.append(" AND severity = $").append(args.size());
    }
    if (!labels.isEmpty()) {
      JsonObject contains = new JsonObject();
      labels.forEach(contains::put);
      args.add(contains);
      sql.append(" AND labels @> $").append(args.size());
    }
    args.add(limit);
    sql.append(" ORDER BY updated_at DESC, id LIMIT $").append(args.size());
    return pool.preparedQuery(sql.toString()).execute(Tuple.wrap(args)).map(rows -> {
      List<AlertRow> out = new ArrayList<>();
      rows.forEach(r -> out.add(read(r)));
      return out;
    });
  }

  /** A column of a multi-row statement: the array type PostgreSQL is sent, and what each alert puts in it. */
  private record Column(Class<?> type, Function<AlertRow, Object> value) {}

  private static Column column(Class<?> type, Function<AlertRow, Object> value) {
    return new Column(type, value);
  }

  private static final Column ID = column(UUID.class, a -> a.id);
  private static final Column STATE = column(String.class, a -> a.state);
  private static final Column ANNOTATIONS = column(String.class, a -> annotations(a).encode());
  private static final Column VALUE = column(Double.class, a -> finite(a.value));
  private static final Column FIRING_AT = column(OffsetDateTime.class, a -> at(a.firingAt));
  private static final Column ACKNOWLEDGED_AT = column(OffsetDateTime.class, a -> at(a.acknowledgedAt));
  private static final Column ACKNOWLEDGED_BY = column(String.class, a -> a.acknowledgedBy);
  private static final Column RESOLVED_AT = column(OffsetDateTime.class, a -> at(a.resolvedAt));
  private static final Column RESOLVED_BY = column(String.class, a -> a.resolvedBy);
  private static final Column COMMENT = column(String.class, a -> a.comment);
  private static final Column ENDS_AT = column(OffsetDateTime.class, a -> at(a.endsAt));
  private static final Column SILENCED_BY = column(UUID.class, a -> a.silencedBy);
  private static final Column INHIBITED = column(Boolean.class, a -> a.inhibited);
  private static final Column VERSION = column(Long.class, a -> a.version);
  private static final Column UPDATED_AT = column(OffsetDateTime.class, a -> at(a.updatedAt));
  /** {@link #INSERT}'s parameters, in {@link #COLUMNS} order. */
  private static final List<Column> INSERT_COLUMNS = List.of(ID, column(String.class, a -> a.fingerprint),
      column(String.class, a -> a.rule), column(String.class, a -> a.source), column(String.class, a -> a.severity), STATE,
      column(String.class, AlertStore::labels), ANNOTATIONS, VALUE, column(OffsetDateTime.class, a -> at(a.activeAt)),
      column(OffsetDateTime.class, a -> at(a.startedAt)), FIRING_AT, ACKNOWLEDGED_AT, ACKNOWLEDGED_BY, RESOLVED_AT,
      RESOLVED_BY, COMMENT, ENDS_AT, SILENCED_BY, INHIBITED, column(String.class, a -> a.notifiedState), VERSION, UPDATED_AT);
  /** {@link #UPDATE}'s parameters. */
  private static final List<Column> UPDATE_COLUMNS = List.of(ID, STATE, ANNOTATIONS, VALUE, FIRING_AT, ACKNOWLEDGED_AT,
      ACKNOWLEDGED_BY, RESOLVED_AT, RESOLVED_BY, COMMENT, ENDS_AT, SILENCED_BY, INHIBITED, VERSION, UPDATED_AT);

  private static Tuple insertColumns(List<AlertRow> rows) {
    return columns(rows, INSERT_COLUMNS);
  }

  private static Tuple updateColumns(List<AlertRow> rows) {
    return columns(rows, UPDATE_COLUMNS);
  }

  /** One array per column, each holding every row's value. */
  private static Tuple columns(List<AlertRow> rows, List<Column> columns) {
    List<Object> arrays = new ArrayList<>(columns.size());
    for (Column c : columns) {
      Object[] values = (Object[]) java.lang.reflect.Array.newInstance(c.type(), rows.size());
      for (int i = 0; i < values.length; i++) {
        values[i] = c.value().apply(rows.get(i));
      }
      arrays.add(values);
    }
    return Tuple.wrap(arrays);
  }

  private static String labels(AlertRow a) {
    JsonObject l = new JsonObject();
    a.labels.forEach(l::put);
    return l.encode();
  }

  private static JsonObject annotations(AlertRow a) {
    JsonObject j = new JsonObject();
    a.annotations.forEach(j::put);
    return j;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  static AlertRow read(Row r) {
    TreeMap<String, String> labels = new TreeMap<>();
    ((JsonObject) r.getValue("labels")).forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
    Map<String, String> annotations = new HashMap<>();
    ((JsonObject) r.getValue("annotations")).forEach(e -> annotations.put(e.getKey(), String.valueOf(e.getValue())));
    Double value = r.getDouble("value");
    AlertRow a = new AlertRow(r.getUUID("id"), r.getString("fingerprint"), r.getString("rule"), r.getString("source"),
        r.getString("severity"), labels, annotations, value == null ? Double.NaN : value, r.getString("state"),
        instant(r, "active_at"), instant(r, "started_at"));
    a.firingAt = instant(r, "firing_at");
    a.acknowledgedAt = instant(r, "acknowledged_at");
    a.acknowledgedBy = r.getString("acknowledged_by");
    a.resolvedAt = instant(r, "resolved_at");
    a.resolvedBy = r.getString("resolved_by");
    a.comment = r.getString("comment");
    a.endsAt = instant(r, "ends_at");
    a.silencedBy = r.getUUID("silenced_by");
    a.inhibited = r.getBoolean("inhibited");
    a.notifiedState = r.getString("notified_state");
    a.version = r.getLong("version");
    a.updatedAt = instant(r, "updated_at");
    return a;
  }

  private static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }
}
