package io.bulwark.gateway.spool;

import io.bulwark.gateway.GatewayService;
import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.config.ServiceConfig;
import io.bulwark.shared.db.Database;
import io.bulwark.shared.test.TestPostgres;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Vert.x instances, pools and spools for one test on a real PostgreSQL, all closed afterwards. */
final class SpoolFixture implements AutoCloseable {
  /** Generous: the machine is shared, and a deadline only bounds a failing test. */
  static final long DEADLINE_MS = 25_000;
  private final TestPostgres db;
  private final List<Vertx> vertxes = new CopyOnWriteArrayList<>();
  private final List<Pool> pools = new CopyOnWriteArrayList<>();
  private final List<AuditSpool> spools = new CopyOnWriteArrayList<>();

  SpoolFixture(TestPostgres db) {
    this.db = db;
  }

  /** A spool and the registry its meters are in. */
  record Spool(AuditSpool spool, PrometheusMeterRegistry registry) {
    long dropped(DropReason reason) {
      Counter c = registry.find(SpoolMetrics.DROPPED).tag("reason", reason.label()).counter();
      return c == null ? -1 : (long) c.count();
    }

    long delivered(DeliveryPath path) {
      return (long) registry.find(SpoolMetrics.DELIVERED).tag("path", path.label()).counter().count();
    }

    long spooled() {
      return (long) registry.find(SpoolMetrics.SPOOLED).counter().count();
    }

    double depth(String tier) {
      Gauge g = registry.find(SpoolMetrics.DEPTH).tag("tier", tier).gauge();
      return g == null ? -1 : g.value();
    }

    boolean offer(AuditEvent e) {
      return spool.offer(e);
    }
  }

  Vertx vertx() {
    Vertx v = Vertx.vertx();
    vertxes.add(v);
    return v;
  }

  Pool pool(Vertx vertx) {
    Pool p = Database.open(vertx, db.url(), "gateway", GatewayService.MIGRATION_HEAD, 4).pool();
    pools.add(p);
    return p;
  }

  /** A pool that fails every query at once: the database is gone. */
  Pool closedPool(Vertx vertx) {
    Pool p = Database.open(vertx, db.url(), "gateway", GatewayService.MIGRATION_HEAD, 2).pool();
    await(p.close());
    return p;
  }

  /** A spool with quick retries and refreshes (tests wait on them), plus {@code settings}. */
  Spool spool(Vertx vertx, Pool pool, JsonObject settings) {
    JsonObject raw = new JsonObject()
        .put("DATABASE_URL", db.databaseUrl())
        .put("MANAGEMENT_PORT", 0)
        .put(SpoolSettings.RETRY_MS, 100)
        .put(SpoolSettings.RETRY_MAX_MS, 1000)
        .put(SpoolSettings.STATS_MS, 200)
        .mergeIn(settings);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AuditSpool spool = AuditSpool.create(vertx, pool, ServiceConfig.of("gateway", raw), registry);
    spools.add(spool);
    return new Spool(spool, registry);
  }

  Spool started(Vertx vertx, Pool pool, JsonObject settings) {
    Spool s = spool(vertx, pool, settings);
    await(s.spool().start());
    return s;
  }

  /** A request-level event as the gateway records them; {@code i} makes its request id unique. */
  static AuditEvent event(int i) {
    return new AuditEvent("audit", "t-" + (i % 7), "key:k_abcdefabcdef", "auth.success", "success", "/v1/events",
        "req-" + i, "127.0.0.1", new JsonObject().put("route", "POST /v1/events").put("n", i));
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(DEADLINE_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("future did not complete: " + e, e);
    }
  }

  /** Polls {@code condition} until it holds; fails with {@code state} after the deadline. */
  static void eventually(String what, BooleanSupplier condition, Supplier<String> state) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + DEADLINE_MS + " ms: " + what + " (" + state.get() + ")");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  long tableRows() {
    return query("SELECT count(*) FROM gateway.audit_spool", rs -> rs.next() ? rs.getLong(1) : 0L);
  }

  /** Idempotency ids in the table, oldest first (the order the drainer promises). */
  List<String> tableIds() {
    return query("SELECT idempotency_id FROM gateway.audit_spool ORDER BY id", rs -> {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    });
  }

  /** The stored event of one row. */
  JsonObject tableEvent(String idempotencyId) {
    return query("SELECT event::text FROM gateway.audit_spool WHERE idempotency_id = '" + idempotencyId.replace("'", "''")
        + "'", rs -> rs.next() ? new JsonObject(rs.getString(1)) : null);
  }

  void truncate() {
    query("TRUNCATE gateway.audit_spool", rs -> null);
  }

  private interface ResultReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> T query(String sql, ResultReader<T> reader) {
    try (Connection c = db.jdbc(); Statement s = c.createStatement()) {
      if (!s.execute(sql)) {
        return null;
      }
      try (ResultSet rs = s.getResultSet()) {
        return reader.read(rs);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    for (AuditSpool s : spools) {
      try {
        s.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // a test that failed may leave a spool in any state; closing Vert.x below ends it anyway
      }
    }
    for (Pool p : pools) {
      p.close().toCompletionStage().toCompletableFuture().exceptionally(e -> null).join();
    }
    for (Vertx v : vertxes) {
      v.close().toCompletionStage().toCompletableFuture().exceptionally(e -> null).join();
    }
  }
}
