package io.bulwark.alert.notify;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * SQL of the notification outbox (schema {@code alert}): planning (alerts → outbox rows + notified_state in one
 * transaction), claiming group heads for delivery, and recording outcomes. Every statement is guarded so several
 * alert-service instances can share one database without sending anything twice.
 */
public final class OutboxStore {
  /** Advisory lock key of the planning pass: one instance plans at a time; others skip that tick. */
  static final long PLAN_LOCK = 0x42_77_61_6c_6e_6f_74L;
  private final Pool pool;

  public OutboxStore(Pool pool) {
    this.pool = pool;
  }

  /** An alert changed under the planner (its version moved); the whole pass is rolled back and redone next tick. */
  static final class StaleAlert extends RuntimeException {
    StaleAlert(UUID id) {
      super("alert " + id + " changed during planning", null, false, false);
    }
  }

  /** A claimed row, being delivered by this instance until {@code attempts} moves on. */
  public record Claimed(long id, String receiver, String groupKey, String kind, String body, int attempts,
                        Instant firstActiveAt, Instant createdAt) {}

  /**
   * One planning pass: {@code plan} null when another instance held the planning lock (nothing was read), and
   * {@code seenUpTo} the highest change number every change up to which this pass has looked at.
   */
  public record Planned(NotificationPlan plan, long seenUpTo) {
    public int rows() {
      return plan == null ? 0 : plan.entries().size();
    }
  }

  /** An alert written since the notifier last looked: its change number and labels (to find its groups). */
  public record Change(long seq, Map<String, String> labels) {}

  /**
   * Runs one planning pass over every alert a notification may concern. Fails with {@link StaleAlert} when a concurrent
   * lifecycle change won; nothing was written then.
   */
  public Future<Planned> plan(GroupPlanner planner, Instant now) {
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_try_advisory_xact_lock($1)").execute(Tuple.of(PLAN_LOCK))
        .compose(rs -> {
          if (!rs.iterator().next().getBoolean(0)) {
            return Future.succeededFuture(new Planned(null, -1));
          }
          // read before the alerts: whatever is written after this number is found again by changedSince
          return conn.query("SELECT coalesce(max(change_seq), 0) FROM alert.alerts").execute()
              .map(seq -> seq.iterator().next().getLong(0))
              .compose(seen -> groups(conn).compose(states -> alerts(conn, states).compose(alerts -> {
                NotificationPlan plan = planner.plan(alerts, states, now);
                Map<UUID, Long> versions = new HashMap<>();
                alerts.forEach(a -> versions.put(a.id(), a.version()));
                return apply(conn, plan, versions).map(v -> new Planned(plan, seen));
              })));
        }));
  }

  /** Alerts written after change number {@code after}, oldest first, at most {@code limit}: a cheap look between passes. */
  public Future<List<Change>> changedSince(long after, int limit) {
    return pool.preparedQuery("SELECT change_seq, labels FROM alert.alerts WHERE change_seq > $1 ORDER BY change_seq LIMIT $2")
        .execute(Tuple.of(after, limit)).map(rs -> {
          List<Change> out = new ArrayList<>(rs.size());
          for (Row r : rs) {
            out.add(new Change(r.getLong("change_seq"), strings(r.getValue("labels"))));
          }
          return out;
        });
  }

  private Future<Map<String, GroupState>> groups(SqlConnection conn) {
    return conn.query("SELECT group_key, receiver, first_seen_at, last_sent_at, sent_firing FROM alert.notification_groups").execute()
        .map(rs -> {
          Map<String, GroupState> out = new HashMap<>();
          for (Row r : rs) {
            UUID[] sent = r.getArrayOfUUIDs("sent_firing");
            out.put(r.getString("group_key"), new GroupState(r.getString("group_key"), r.getString("receiver"),
                instant(r, "first_seen_at"), instant(r, "last_sent_at"), Set.of(sent == null ? new UUID[0] : sent)));
          }
          return out;
        });
  }

  private Future<List<AlertRow>> alerts(SqlConnection conn, Map<String, GroupState> states) {
    Set<UUID> sent = new HashSet<>();
    states.values().forEach(s -> sent.addAll(s.sentFiring()));
    // annotations as text, decoded only for the alerts of groups that send (LazyStrings)
    String sql = "SELECT id, fingerprint, state, severity, labels, annotations::text AS annotations, active_at, firing_at,"
        + " resolved_at, silenced_by IS NOT NULL AS silenced, inhibited, notified_state, version FROM alert.alerts"
        + " WHERE state IN ('firing', 'acknowledged') OR notified_state = 'firing' OR id = ANY($1::uuid[]) ORDER BY id";
    return conn.preparedQuery(sql).execute(Tuple.of(sent.toArray(new UUID[0]))).map(rs -> {
      List<AlertRow> out = new ArrayList<>();
      for (Row r : rs) {
        out.add(new AlertRow(r.getUUID("id"), r.getString("fingerprint"), r.getString("state"), r.getString("severity"),
            strings(r.getValue("labels")), new LazyStrings(r.getString("annotations")), instant(r, "active_at"),
            instant(r, "firing_at"), instant(r, "resolved_at"), r.getBoolean("silenced"), r.getBoolean("inhibited"),
            r.getString("notified_state"), r.getLong("version")));
      }
      return out;
    });
  }

  private Future<Void> apply(SqlConnection conn, NotificationPlan plan, Map<UUID, Long> versions) {
    Future<?> chain = Future.succeededFuture();
    if (!plan.entries().isEmpty()) {
      List<Tuple> rows = new ArrayList<>();
      for (OutboxEntry e : plan.entries()) {
        rows.add(Tuple.of(e.receiver(), e.groupKey(), e.kind(), e.body(), e.alertIds().toArray(new UUID[0]),
            e.fingerprints().toArray(new String[0]), odt(e.firstActiveAt())));
      }
      chain = chain.compose(v -> conn.preparedQuery("INSERT INTO alert.notifications (receiver, group_key, kind, body, alert_ids,"
          + " fingerprints, first_active_at) VALUES ($1, $2, $3, $4, $5, $6, $7)").executeBatch(rows));
    }
    if (!plan.upserts().isEmpty()) {
      List<Tuple> rows = new ArrayList<>();
      for (GroupState s : plan.upserts()) {
        rows.add(Tuple.of(s.groupKey(), s.receiver(), odt(s.firstSeenAt()), odt(s.lastSentAt()),
            s.sentFiring().stream().sorted().toArray(UUID[]::new)));
      }
      chain = chain.compose(v -> conn.preparedQuery("INSERT INTO alert.notification_groups (group_key, receiver, first_seen_at,"
          + " last_sent_at, sent_firing) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (group_key) DO UPDATE SET"
          + " receiver = EXCLUDED.receiver, first_seen_at = EXCLUDED.first_seen_at, last_sent_at = EXCLUDED.last_sent_at,"
          + " sent_firing = EXCLUDED.sent_firing").executeBatch(rows));
    }
    if (!plan.deletes().isEmpty()) {
      chain = chain.compose(v -> conn.preparedQuery("DELETE FROM alert.notification_groups WHERE group_key = ANY($1)")
          .execute(Tuple.of((Object) plan.deletes().toArray(new String[0]))));
    }
    for (Map.Entry<UUID, String> n : plan.notified().entrySet()) {
      // the version guard: if the lifecycle changed the alert since it was read, this pass must not mark it notified
      chain = chain.compose(v -> conn.preparedQuery("UPDATE alert.alerts SET notified_state = $2 WHERE id = $1 AND version = $3")
          .execute(Tuple.of(n.getKey(), n.getValue(), versions.get(n.getKey())))
          .compose(rs -> rs.rowCount() == 1 ? Future.succeededFuture() : Future.failedFuture(new StaleAlert(n.getKey()))));
    }
    return chain.mapEmpty();
  }

  /**
   * Claims up to {@code limit} deliverable group heads: the oldest open row of each group, pending and due, or delivering
   * with an expired lease. Nothing when delivery is paused.
   */
  public Future<List<Claimed>> claim(int limit, long leaseMs) {
    String sql = "UPDATE alert.notifications n SET status = 'delivering', attempts = n.attempts + 1,"
        + " lease_until = now() + $2::bigint * interval '1 millisecond'"
        + " WHERE n.id IN (SELECT c.id FROM alert.notifications c"
        + "   WHERE ((c.status = 'pending' AND c.next_attempt_at <= now()) OR (c.status = 'delivering' AND c.lease_until < now()))"
        + "     AND NOT EXISTS (SELECT 1 FROM alert.notifications e WHERE e.group_key = c.group_key AND e.id < c.id"
        + "       AND e.status IN ('pending', 'delivering'))"
        + "     AND NOT (SELECT paused FROM alert.outbox_state)"
        + "   ORDER BY c.id LIMIT $1 FOR UPDATE SKIP LOCKED)"
        + " RETURNING n.id, n.receiver, n.group_key, n.kind, n.body, n.attempts, n.first_active_at, n.created_at";
    return pool.preparedQuery(sql).execute(Tuple.of(limit, leaseMs)).map(rs -> {
      List<Claimed> out = new ArrayList<>();
      for (Row r : rs) {
        out.add(new Claimed(r.getLong("id"), r.getString("receiver"), r.getString("group_key"), r.getString("kind"),
            r.getString("body"), r.getInteger("attempts"), instant(r, "first_active_at"), instant(r, "created_at")));
      }
      out.sort((a, b) -> Long.compare(a.id(), b.id()));
      return out;
    });
  }

  /** Delivered: returns when, or null when the claim was lost (another instance took the row over after the lease). */
  public Future<Instant> delivered(Claimed c, Integer status) {
    return pool.preparedQuery("UPDATE alert.notifications SET status = 'delivered', delivered_at = now(), lease_until = NULL,"
            + " last_status = $3, last_error = NULL WHERE id = $1 AND attempts = $2 AND status = 'delivering' RETURNING delivered_at")
        .execute(Tuple.of(c.id(), c.attempts(), status))
        .map(rs -> rs.rowCount() == 0 ? null : instant(rs.iterator().next(), "delivered_at"));
  }

  /** Back to pending with a later attempt time. */
  public Future<Boolean> retryLater(Claimed c, long delayMs, Integer status, String error) {
    return pool.preparedQuery("UPDATE alert.notifications SET status = 'pending', lease_until = NULL, last_status = $3,"
            + " last_error = $4, next_attempt_at = now() + $5::bigint * interval '1 millisecond'"
            + " WHERE id = $1 AND attempts = $2 AND status = 'delivering'")
        .execute(Tuple.of(c.id(), c.attempts(), status, error, delayMs)).map(rs -> rs.rowCount() == 1);
  }

  /** Dead letter: kept for inspection and redrive; the next row of its group goes. */
  public Future<Boolean> dead(Claimed c, Integer status, String error) {
    return pool.preparedQuery("UPDATE alert.notifications SET status = 'dead', lease_until = NULL, last_status = $3, last_error = $4"
            + " WHERE id = $1 AND attempts = $2 AND status = 'delivering'")
        .execute(Tuple.of(c.id(), c.attempts(), status, error)).map(rs -> rs.rowCount() == 1);
  }

  /** Counts for the admin API and the gauges. */
  public Future<JsonObject> stats() {
    String sql = "SELECT receiver, status, count(*) AS n,"
        + " EXTRACT(EPOCH FROM now() - min(created_at) FILTER (WHERE status IN ('pending', 'delivering'))) AS oldest"
        + " FROM alert.notifications GROUP BY receiver, status";
    return pool.query("SELECT paused FROM alert.outbox_state").execute().compose(p -> pool.query(sql).execute().map(rs -> {
      Map<String, Long> total = new LinkedHashMap<>();
      Arrays.asList("pending", "delivering", "dead", "delivered").forEach(s -> total.put(s, 0L));
      JsonObject byReceiver = new JsonObject();
      double oldest = 0;
      for (Row r : rs) {
        String status = r.getString("status");
        long n = r.getLong("n");
        total.merge(status, n, Long::sum);
        JsonObject rec = byReceiver.getJsonObject(r.getString("receiver"));
        if (rec == null) {
          rec = new JsonObject().put("pending", 0L).put("delivering", 0L).put("dead", 0L).put("delivered", 0L);
          byReceiver.put(r.getString("receiver"), rec);
        }
        rec.put(status, n);
        Object age = r.getValue("oldest");
        if (age != null) {
          oldest = Math.max(oldest, ((Number) age).doubleValue());
        }
      }
      JsonObject out = new JsonObject().put("paused", p.iterator().next().getBoolean(0));
      total.forEach(out::put);
      return out.put("oldestPendingAgeSeconds", Math.round(oldest * 1000) / 1000.0).put("byReceiver", byReceiver);
    }));
  }

  public Future<Boolean> paused() {
    return pool.query("SELECT paused FROM alert.outbox_state").execute().map(rs -> rs.iterator().next().getBoolean(0));
  }

  public Future<Void> setPaused(boolean paused, String actor) {
    return pool.preparedQuery("UPDATE alert.outbox_state SET paused = $1, changed_at = now(), changed_by = $2")
        .execute(Tuple.of(paused, actor)).mapEmpty();
  }

  /** Deletes delivered and/or dead rows older than {@code olderThanSeconds}; returns how many. */
  public Future<Integer> clean(List<String> statuses, long olderThanSeconds, String receiver) {
    return pool.preparedQuery("DELETE FROM alert.notifications WHERE status = ANY($1) AND created_at < now() - $2::bigint * interval '1 second'"
            + " AND ($3::text IS NULL OR receiver = $3)")
        .execute(Tuple.of(statuses.toArray(new String[0]), olderThanSeconds, receiver)).map(rs -> rs.rowCount());
  }

  /** Dead rows (all, or these ids, or this receiver's) back to pending with attempts reset; returns how many. */
  public Future<Integer> redrive(List<Long> ids, String receiver) {
    return pool.preparedQuery("UPDATE alert.notifications SET status = 'pending', attempts = 0, next_attempt_at = now(),"
            + " last_error = NULL, lease_until = NULL WHERE status = 'dead' AND ($1::bigint[] IS NULL OR id = ANY($1))"
            + " AND ($2::text IS NULL OR receiver = $2)")
        .execute(Tuple.of(ids == null ? null : ids.toArray(new Long[0]), receiver)).map(rs -> rs.rowCount());
  }

  private static Map<String, String> strings(Object json) {
    return LazyStrings.strings(json);
  }

  private static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  private static OffsetDateTime odt(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }
}
