package io.bulwark.alert.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bulwark.alert.AlertService;
import io.bulwark.shared.db.Database;
import io.bulwark.shared.db.Migrations;
import io.bulwark.shared.test.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retention against real PostgreSQL: only what is old enough and no longer needed goes, in bounded batches. */
class AlertRetentionIT {
  private TestPostgres db;
  private Vertx vertx;
  private Database database;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void setUp() {
    db = TestPostgres.create("alert_retention");
    Migrations.migrate(db.url(), "alert", AlertService.MIGRATION_HEAD);
    vertx = Vertx.vertx();
    database = Database.open(vertx, db.url(), "alert", AlertService.MIGRATION_HEAD, 2);
  }

  @AfterEach
  void tearDown() throws Exception {
    database.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    db.close();
  }

  private void sql(String statement) throws Exception {
    try (Connection c = db.jdbc(); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private List<String> column(String query) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = db.jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** An alert row named {@code rule}, resolved {@code resolvedDaysAgo} days ago (null: still firing). */
  private void alert(String rule, Integer resolvedDaysAgo, String notified) throws Exception {
    String state = resolvedDaysAgo == null ? "firing" : "resolved";
    String resolved = resolvedDaysAgo == null ? "NULL" : "now() - interval '" + resolvedDaysAgo + " days'";
    sql("INSERT INTO alert.alerts (id, fingerprint, rule, severity, state, resolved_at, notified_state, active_at)"
        + " VALUES (gen_random_uuid(), md5(random()::text), '" + rule + "', 'warning', '" + state + "', " + resolved + ", "
        + (notified == null ? "NULL" : "'" + notified + "'") + ", now() - interval '60 days')");
  }

  private void notifications(String status, int daysAgo, int count) throws Exception {
    sql("INSERT INTO alert.notifications (receiver, group_key, kind, body, alert_ids, fingerprints, created_at, status)"
        + " SELECT 'hook', 'hook/0/{}', 'firing', '{}', '{}', '{}', now() - interval '" + daysAgo + " days', '" + status + "'"
        + " FROM generate_series(1, " + count + ")");
  }

  @Test
  void onlyOldFinishedRowsGoAndTheNotifiersPendingWorkStays() throws Exception {
    alert("OldResolved", 31, "resolved");
    alert("OldResolvedNeverNotified", 40, null);
    alert("OldResolvedNotYetTold", 45, "firing");
    alert("RecentResolved", 29, "resolved");
    alert("StillFiring", null, "firing");
    sql("INSERT INTO alert.silences (id, matchers, starts_at, ends_at, created_by) VALUES"
        + " (gen_random_uuid(), '[]', now() - interval '40 days', now() - interval '31 days', 'old'),"
        + " (gen_random_uuid(), '[]', now() - interval '40 days', now() - interval '29 days', 'recent'),"
        + " (gen_random_uuid(), '[]', now() - interval '1 day', now() + interval '1 day', 'active')");
    notifications("delivered", 8, AlertRetention.BATCH + 3); // more than a batch: the sweep goes on until done
    notifications("delivered", 6, 2);
    notifications("dead", 8, 4);
    notifications("dead", 31, 1);
    notifications("pending", 40, 1);

    AlertRetention retention = new AlertRetention(vertx, database.pool(), new RetentionSettings(Duration.ofDays(30),
        Duration.ofDays(7), Duration.ofDays(30), Duration.ofHours(1)), registry);
    Map<String, Integer> deleted = retention.sweep().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    assertEquals(Map.of("alerts", 2, "silences", 1, "notifications_delivered", AlertRetention.BATCH + 3,
        "notifications_dead", 1), deleted);
    assertEquals(List.of("OldResolvedNotYetTold", "RecentResolved", "StillFiring"),
        column("SELECT rule FROM alert.alerts ORDER BY rule"), "a resolved alert the notifier has not told yet stays");
    assertEquals(List.of("active", "recent"), column("SELECT created_by FROM alert.silences ORDER BY created_by"));
    assertEquals(List.of("dead:4", "delivered:2", "pending:1"), column("SELECT status || ':' || count(*) FROM alert.notifications"
        + " GROUP BY status ORDER BY status"), "a pending notification is never swept, however old");
    assertEquals(AlertRetention.BATCH + 3, registry.get(AlertRetention.DELETED).tag("table", "notifications_delivered")
        .counter().count());
    assertEquals(Map.of("alerts", 0, "silences", 0, "notifications_delivered", 0, "notifications_dead", 0),
        retention.sweep().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS), "nothing left to sweep");
  }
}
