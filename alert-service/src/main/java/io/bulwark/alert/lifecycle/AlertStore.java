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

/** The {@code alert.alerts} table: the open alerts are loaded at start, every change is written before it is announced. */
public final class AlertStore {
  static final String COLUMNS = "id, fingerprint, rule, source, severity, state, labels, annotations, value, active_at,"
      + " started_at, firing_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, comment, ends_at, silenced_by,"
      + " inhibited, notified_state, version, updated_at";
  private static final String INSERT = "INSERT INTO alert.alerts (" + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8,"
      + " $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)";
  /**
   * {@code notified_state} is the notifier's column and is never written here; {@code version} only moves forward, so the
   * notifier's guarded update fails when the alert changed under it. A trigger moves {@code change_seq} on every write (V4),
   * so the notifier finds what changed since its last look.
   */
  private static final String UPDATE = "UPDATE alert.alerts SET state = $2, annotations = $3, value = $4, firing_at = $5,"
      + " acknowledged_at = $6, acknowledged_by = $7, resolved_at = $8, resolved_by = $9, comment = $10, ends_at = $11,"
      + " silenced_by = $12, inhibited = $13, version = $14, updated_at = $15 WHERE id = $1";
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
    List<Tuple> ins = inserted.stream().map(AlertStore::insertTuple).toList();
    List<Tuple> upd = updated.stream().map(AlertStore::updateTuple).toList();
    return pool.withTransaction(conn -> batch(conn, INSERT, ins).compose(x -> batch(conn, UPDATE, upd)));
  }

  private static Future<Void> batch(SqlConnection conn, String sql, List<Tuple> tuples) {
    return tuples.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(sql).executeBatch(tuples).mapEmpty();
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

  private static Tuple insertTuple(AlertRow a) {
    JsonObject labels = new JsonObject();
    a.labels.forEach(labels::put);
    return Tuple.wrap(new ArrayList<>(java.util.Arrays.asList(a.id, a.fingerprint, a.rule, a.source, a.severity, a.state,
        labels, annotations(a), finite(a.value), at(a.activeAt), at(a.startedAt), at(a.firingAt), at(a.acknowledgedAt),
        a.acknowledgedBy, at(a.resolvedAt), a.resolvedBy, a.comment, at(a.endsAt), a.silencedBy, a.inhibited,
        a.notifiedState, a.version, at(a.updatedAt))));
  }

  private static Tuple updateTuple(AlertRow a) {
    return Tuple.wrap(new ArrayList<>(java.util.Arrays.asList(a.id, a.state, annotations(a), finite(a.value), at(a.firingAt),
        at(a.acknowledgedAt), a.acknowledgedBy, at(a.resolvedAt), a.resolvedBy, a.comment, at(a.endsAt), a.silencedBy,
        a.inhibited, a.version, at(a.updatedAt))));
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
