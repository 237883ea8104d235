package io.bulwark.backup.catalog;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code backup} schema: backup attempts and their checks. */
public final class BackupCatalog {
  private static final String BACKUP_COLUMNS = "b.id, b.status, b.trigger, b.actor, b.request_id, b.started_at, b.finished_at,"
      + " b.file_name, b.bytes, b.sha256, b.key_id, b.manifest, b.manifest_sha256, b.failure_reason, b.failure_detail, b.pruned_at";
  private static final String CHECK_COLUMNS = "id, backup_id, kind, status, trigger, actor, request_id, started_at, finished_at,"
      + " duration_ms, reason, detail, result, database";
  private static final String WITH_CHECKS = "SELECT " + BACKUP_COLUMNS + ", v.id AS v_id, d.id AS d_id FROM backup.backups b"
      + " LEFT JOIN LATERAL (SELECT id FROM backup.checks c WHERE c.backup_id = b.id AND c.kind = 'verify' AND c.status <> 'running'"
      + "   ORDER BY c.started_at DESC LIMIT 1) v ON true"
      + " LEFT JOIN LATERAL (SELECT id FROM backup.checks c WHERE c.backup_id = b.id AND c.kind = 'drill' AND c.status <> 'running'"
      + "   ORDER BY c.started_at DESC LIMIT 1) d ON true";
  private final Pool pool;

  public BackupCatalog(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> insertRunning(String id, String trigger, String actor, String requestId) {
    return pool.preparedQuery("INSERT INTO backup.backups (id, status, trigger, actor, request_id) VALUES ($1, 'running', $2, $3, $4)")
        .execute(Tuple.of(id, trigger, actor, requestId)).mapEmpty();
  }

  /** Marks a run succeeded; only called after the file and the manifest are committed to storage. */
  public Future<Void> succeed(String id, String fileName, long bytes, String sha256, String keyId, JsonObject manifest,
                              String manifestSha256) {
    return pool.preparedQuery("UPDATE backup.backups SET status = 'succeeded', finished_at = now(), file_name = $2, bytes = $3,"
            + " sha256 = $4, key_id = $5, manifest = $6, manifest_sha256 = $7 WHERE id = $1 AND status = 'running'")
        .execute(Tuple.from(new Object[] {id, fileName, bytes, sha256, keyId, manifest, manifestSha256})).compose(rs ->
            rs.rowCount() == 1 ? Future.succeededFuture() : Future.failedFuture("backup " + id + " is no longer running"));
  }

  public Future<Void> fail(String id, String reason, String detail) {
    return pool.preparedQuery("UPDATE backup.backups SET status = 'failed', finished_at = now(), failure_reason = $2,"
            + " failure_detail = $3 WHERE id = $1 AND status = 'running'")
        .execute(Tuple.of(id, reason, detail)).mapEmpty();
  }

  /** Runs left 'running' by a stopped process: they failed, whatever they had written. Returns their ids. */
  public Future<List<String>> interruptRunning() {
    return pool.query("UPDATE backup.backups SET status = 'failed', finished_at = now(), failure_reason = 'interrupted',"
            + " failure_detail = 'backup-service stopped during the run; nothing of it was kept' WHERE status = 'running' RETURNING id")
        .execute().map(rs -> {
          List<String> ids = new ArrayList<>();
          rs.forEach(r -> ids.add(r.getString(0)));
          return ids;
        });
  }

  /** Registers a backup found in storage that this catalog never saw; false when the id is already known. */
  public Future<Boolean> adopt(String id, java.time.Instant started, java.time.Instant finished, String fileName, long bytes,
                               String sha256, String keyId, JsonObject manifest, String manifestSha256) {
    return pool.preparedQuery("INSERT INTO backup.backups (id, status, trigger, actor, started_at, finished_at, file_name, bytes,"
            + " sha256, key_id, manifest, manifest_sha256) VALUES ($1, 'succeeded', 'imported', 'storage', $2, $3, $4, $5, $6, $7,"
            + " $8, $9) ON CONFLICT (id) DO NOTHING")
        .execute(Tuple.from(new Object[] {id, started.atOffset(java.time.ZoneOffset.UTC), finished.atOffset(java.time.ZoneOffset.UTC),
            fileName, bytes, sha256, keyId, manifest, manifestSha256}))
        .map(rs -> rs.rowCount() == 1);
  }

  /** Every backup id the catalog knows, whatever its state. */
  public Future<java.util.Set<String>> ids() {
    return pool.query("SELECT id FROM backup.backups").execute().map(rs -> {
      java.util.Set<String> ids = new java.util.HashSet<>();
      rs.forEach(r -> ids.add(r.getString(0)));
      return ids;
    });
  }

  public Future<Void> markPruned(String id) {
    return pool.preparedQuery("UPDATE backup.backups SET pruned_at = now() WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
  }

  public Future<Optional<BackupRow>> find(String id) {
    return backups(WITH_CHECKS + " WHERE b.id = $1", Tuple.of(id)).map(l -> l.stream().findFirst());
  }

  /** {@code available}: succeeded and not pruned; {@code failed}; {@code all}. Newest first. */
  public Future<List<BackupRow>> list(String status, int limit) {
    String where = switch (status) {
      case "available" -> " WHERE b.status = 'succeeded' AND b.pruned_at IS NULL";
      case "failed" -> " WHERE b.status = 'failed'";
      default -> "";
    };
    return backups(WITH_CHECKS + where + " ORDER BY b.started_at DESC, b.id DESC LIMIT $1", Tuple.of(limit));
  }

  public Future<Optional<BackupRow>> running() {
    return backups(WITH_CHECKS + " WHERE b.status = 'running' ORDER BY b.started_at DESC LIMIT 1", Tuple.tuple())
        .map(l -> l.stream().findFirst());
  }

  /** The newest attempt, and the newest of each outcome. */
  public Future<Optional<BackupRow>> latest(String status) {
    String where = status == null ? "" : " WHERE b.status = '" + (BackupRow.SUCCEEDED.equals(status) ? "succeeded" : "failed") + "'";
    return backups(WITH_CHECKS + where + " ORDER BY b.started_at DESC, b.id DESC LIMIT 1", Tuple.tuple())
        .map(l -> l.stream().findFirst());
  }

  /** Every available backup, newest first (retention works on these). */
  public Future<List<BackupRow>> available() {
    return backups(WITH_CHECKS + " WHERE b.status = 'succeeded' AND b.pruned_at IS NULL ORDER BY b.started_at DESC", Tuple.tuple());
  }

  public Future<Void> insertCheck(String id, String backupId, String kind, String trigger, String actor, String requestId,
                                  String database) {
    return pool.preparedQuery("INSERT INTO backup.checks (id, backup_id, kind, status, trigger, actor, request_id, database)"
            + " VALUES ($1, $2, $3, 'running', $4, $5, $6, $7)")
        .execute(Tuple.of(id, backupId, kind, trigger, actor, requestId, database)).mapEmpty();
  }

  public Future<CheckRow> finishCheck(String id, String status, String reason, String detail, JsonObject result, long durationMs) {
    return pool.preparedQuery("UPDATE backup.checks SET status = $2, reason = $3, detail = $4, result = $5, duration_ms = $6,"
            + " finished_at = now() WHERE id = $1 RETURNING " + CHECK_COLUMNS)
        .execute(Tuple.of(id, status, reason, detail, result, durationMs)).map(rs -> check(rs.iterator().next()));
  }

  public Future<Optional<CheckRow>> check(String id) {
    return checks("SELECT " + CHECK_COLUMNS + " FROM backup.checks WHERE id = $1", Tuple.of(id)).map(l -> l.stream().findFirst());
  }

  public Future<List<CheckRow>> checksOf(String backupId) {
    return checks("SELECT " + CHECK_COLUMNS + " FROM backup.checks WHERE backup_id = $1 ORDER BY started_at DESC LIMIT 100",
        Tuple.of(backupId));
  }

  /** The newest finished check of a kind, over all backups. */
  public Future<Optional<CheckRow>> lastCheck(String kind, String status) {
    String st = status == null ? " AND status <> 'running'" : " AND status = '" + (CheckRow.PASSED.equals(status) ? "passed" : "failed") + "'";
    return checks("SELECT " + CHECK_COLUMNS + " FROM backup.checks WHERE kind = $1" + st + " ORDER BY started_at DESC LIMIT 1",
        Tuple.of(kind)).map(l -> l.stream().findFirst());
  }

  /** Checks left 'running' by a stopped process are failed; returns them so their scratch databases can be dropped. */
  public Future<List<CheckRow>> interruptChecks() {
    return checks("UPDATE backup.checks SET status = 'failed', finished_at = now(), reason = 'interrupted',"
        + " detail = 'backup-service stopped during the check' WHERE status = 'running' RETURNING " + CHECK_COLUMNS, Tuple.tuple());
  }

  private Future<List<BackupRow>> backups(String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args).compose(rs -> {
      List<String> checkIds = new ArrayList<>();
      for (Row r : rs) {
        addIfPresent(checkIds, r.getString("v_id"));
        addIfPresent(checkIds, r.getString("d_id"));
      }
      Future<List<CheckRow>> checks = checkIds.isEmpty() ? Future.succeededFuture(List.of())
          : checks("SELECT " + CHECK_COLUMNS + " FROM backup.checks WHERE id = ANY($1)", Tuple.of((Object) checkIds.toArray(String[]::new)));
      return checks.map(found -> {
        List<BackupRow> out = new ArrayList<>();
        for (Row r : rs) {
          out.add(backup(r, byId(found, r.getString("v_id")), byId(found, r.getString("d_id"))));
        }
        return out;
      });
    });
  }

  private static void addIfPresent(List<String> ids, String id) {
    if (id != null) {
      ids.add(id);
    }
  }

  private static CheckRow byId(List<CheckRow> checks, String id) {
    return id == null ? null : checks.stream().filter(c -> c.id().equals(id)).findFirst().orElse(null);
  }

  private Future<List<CheckRow>> checks(String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args).map(BackupCatalog::checks);
  }

  private static List<CheckRow> checks(RowSet<Row> rs) {
    List<CheckRow> out = new ArrayList<>();
    rs.forEach(r -> out.add(check(r)));
    return out;
  }

  private static BackupRow backup(Row r, CheckRow verify, CheckRow drill) {
    return new BackupRow(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4), instant(r, 5),
        instant(r, 6), r.getString(7), r.getLong(8), r.getString(9), r.getString(10), json(r, 11), r.getString(12),
        r.getString(13), r.getString(14), instant(r, 15), verify, drill);
  }

  private static CheckRow check(Row r) {
    return new CheckRow(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
        r.getString(6), instant(r, 7), instant(r, 8), r.getLong(9), r.getString(10), r.getString(11), json(r, 12), r.getString(13));
  }

  private static Instant instant(Row r, int i) {
    OffsetDateTime t = r.getOffsetDateTime(i);
    return t == null ? null : t.toInstant();
  }

  private static JsonObject json(Row r, int i) {
    Object v = r.getValue(i);
    return v instanceof JsonObject j ? j : null;
  }
}
