package io.bulwark.alert.notify;

import io.bulwark.alert.AlertService;
import io.bulwark.shared.db.Database;
import io.bulwark.shared.db.Migrations;
import io.bulwark.shared.test.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A test database migrated to the alert head, a pool, alert rows written as the lifecycle writes them, and dispatchers
 * deployed as verticles (as AlertVerticle does), each closable to simulate a restart.
 */
final class OutboxBed implements AutoCloseable {
  static final List<String> SECRETS = List.of("it-notify-webhook-secret-new-0123456789", "it-notify-webhook-secret-old-0123456789");
  final TestPostgres db;
  final Vertx vertx = Vertx.vertx();
  final Database database;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final NotifyMetrics metrics = new NotifyMetrics(registry);

  OutboxBed(String name) {
    db = TestPostgres.create(name);
    Migrations.migrate(db.url(), "alert", AlertService.MIGRATION_HEAD);
    database = Database.open(vertx, db.url(), "alert", AlertService.MIGRATION_HEAD, 4);
  }

  static String receivers(int port) {
    return """
        route:
          receiver: hook
          group_by: [alertname]
          group_wait: 0s
          group_interval: 50ms
          repeat_interval: 1h
          routes:
            - matchers: ['kind="pd"']
              receiver: pd
            - matchers: ['kind="am"']
              receiver: am
        receivers:
          - {name: hook, kind: webhook, url: 'http://127.0.0.1:PORT/hook', timeout: 1s}
          - {name: pd, kind: pagerduty, url: 'http://127.0.0.1:PORT/pd', routing_key_env: BULWARK_TEST_PD_KEY, timeout: 1s}
          - {name: am, kind: alertmanager, url: 'http://127.0.0.1:PORT/am', timeout: 1s}
        """.replace("PORT", Integer.toString(port));
  }

  static NotifySettings settings(int maxAttempts) {
    Map<String, String> secrets = Map.of(NotifySettings.WEBHOOK_SECRETS, String.join(",", SECRETS),
        "BULWARK_TEST_PD_KEY", "it-notify-pd-routing-key-0123456789");
    return new NotifySettings(null, "http://bulwark.test:9083", Duration.ofMillis(100),
        new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), maxAttempts), 8, secrets::get);
  }

  /** Deploys a dispatcher on {@code on}; returns the deployment id. */
  String deploy(Vertx on, Database db, int port, int maxAttempts) {
    return deploy(on, db, ReceiversFile.parse("it.yaml", receivers(port)), maxAttempts);
  }

  /** Deploys notifications as alert-service does, from its configuration (a receivers file, polled). */
  String deploy(io.bulwark.shared.config.ServiceConfig config) {
    VerticleBase verticle = new VerticleBase() {
      private Notifications notifications;

      @Override
      public Future<?> start() {
        return Notifications.start(vertx, config, database.pool(), registry).onSuccess(n -> notifications = n);
      }

      @Override
      public Future<?> stop() {
        return notifications.stop();
      }
    };
    return get(vertx.deployVerticle(verticle));
  }

  /** Deploys a dispatcher with receivers of the test's own. */
  String deploy(String receiversYaml, int maxAttempts) {
    return deploy(vertx, database, ReceiversFile.parse("it.yaml", receiversYaml), maxAttempts);
  }

  private String deploy(Vertx on, Database db, NotifyConfig config, int maxAttempts) {
    VerticleBase verticle = new VerticleBase() {
      private Notifications notifications;

      @Override
      public Future<?> start() {
        return Notifications.start(vertx, config, settings(maxAttempts), db.pool(), metrics, Clock.systemUTC())
            .onSuccess(n -> notifications = n);
      }

      @Override
      public Future<?> stop() {
        return notifications.stop();
      }
    };
    return get(on.deployVerticle(verticle));
  }

  String deploy(int port, int maxAttempts) {
    return deploy(vertx, database, port, maxAttempts);
  }

  void undeploy(String id) {
    get(vertx.undeploy(id));
  }

  JsonObject admin(JsonObject req) {
    return get(vertx.eventBus().<JsonObject>request(io.bulwark.shared.bus.Addresses.ALERT_OUTBOX, req.put("v", 1))).body();
  }

  /** Inserts a firing alert as the lifecycle would; returns its id. */
  UUID fire(String alertname, Map<String, String> extraLabels) throws SQLException {
    return fire(alertname, extraLabels, "NULL", false);
  }

  /** A firing alert, silenced ({@code silencedBy} a SQL uuid expression) or inhibited as the lifecycle marks them. */
  UUID fire(String alertname, Map<String, String> extraLabels, String silencedBy, boolean inhibited) throws SQLException {
    UUID id = UUID.randomUUID();
    JsonObject labels = new JsonObject().put("alertname", alertname).put("severity", "critical");
    extraLabels.forEach(labels::put);
    try (Connection c = db.jdbc(); PreparedStatement s = c.prepareStatement("INSERT INTO alert.alerts (id, fingerprint, rule,"
        + " severity, state, labels, annotations, active_at, started_at, firing_at, version, silenced_by, inhibited) VALUES (?, ?, ?,"
        + " 'critical', 'firing', ?::jsonb, ?::jsonb, now() - interval '2 seconds', now() - interval '2 seconds', now(), 3, "
        + silencedBy + ", " + inhibited + ")")) {
      s.setObject(1, id);
      s.setString(2, id.toString().replace("-", ""));
      s.setString(3, alertname);
      s.setString(4, labels.encode());
      s.setString(5, new JsonObject().put("summary", alertname + " fired").encode());
      s.executeUpdate();
    }
    changed();
    return id;
  }

  void resolve(UUID id) throws SQLException {
    sql("UPDATE alert.alerts SET state = 'resolved', resolved_at = now(), resolved_by = 'auto', version = version + 1,"
        + " updated_at = now() WHERE id = '" + id + "'");
    changed();
  }

  void changed() {
    vertx.eventBus().send(io.bulwark.shared.bus.Addresses.ALERT_CHANGED, null);
  }

  void sql(String sql) throws SQLException {
    try (Connection c = db.jdbc(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** First column of every row. */
  List<Object> column(String sql) throws SQLException {
    List<Object> out = new ArrayList<>();
    try (Connection c = db.jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getObject(1));
      }
    }
    return out;
  }

  long count(String where) throws SQLException {
    return ((Number) column("SELECT count(*) FROM alert.notifications WHERE " + where).get(0)).longValue();
  }

  static void await(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(25);
    }
  }

  static BooleanSupplier quietly(SqlCheck check) {
    return () -> {
      try {
        return check.get();
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  /** A condition that reads the database. */
  interface SqlCheck {
    boolean get() throws SQLException;
  }

  static <T> T get(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    get(vertx.close());
    db.close();
  }
}
