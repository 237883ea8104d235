package io.bulwark.audit.it;

import io.bulwark.audit.AuditService;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.AppendBatch;
import io.bulwark.shared.bus.AppendRequest;
import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.lifecycle.Bulwark;
import io.bulwark.shared.test.TestPostgres;
import io.bulwark.shared.test.TestServices;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** audit-service alone in this JVM on a fresh database, with bus helpers for tests. */
final class AuditHarness implements AutoCloseable {
  final TestPostgres db;
  final Map<String, String> env;
  Bulwark running;

  AuditHarness(String name, Map<String, String> overrides) {
    this(TestPostgres.create(name), overrides);
  }

  AuditHarness(TestPostgres db, Map<String, String> overrides) {
    this.db = db;
    env = TestServices.env(db.databaseUrl(), List.of(AuditService.DEFINITION));
    env.put("BULWARK_AUDIT_CHECKPOINT_INTERVAL", "100ms");
    env.putAll(overrides);
    start();
  }

  void start() {
    try {
      running = TestServices.start(List.of(AuditService.DEFINITION), env);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  void stop() {
    TestServices.stop(running);
    running = null;
  }

  static AuditEvent event(String tenant, String actor, String action, String outcome) {
    return new AuditEvent("audit", tenant, actor, action, outcome, "target-1", "req-" + UUID.randomUUID(), "127.0.0.1",
        new JsonObject().put("n", 1));
  }

  JsonObject append(String idempotencyId, AuditEvent event) {
    return request(Addresses.AUDIT_APPEND, new AppendRequest(idempotencyId, event).toJson());
  }

  JsonObject appendBatch(List<AppendRequest> requests) {
    return request(Addresses.AUDIT_APPEND, new AppendBatch(requests).toJson());
  }

  /** Appends n events of one tenant; returns their indexes. */
  long[] appendMany(int n, String tenant) {
    long[] out = new long[n];
    for (int start = 0; start < n; start += 500) {
      int count = Math.min(500, n - start);
      List<AppendRequest> batch = new java.util.ArrayList<>();
      for (int i = 0; i < count; i++) {
        batch.add(new AppendRequest("t-" + UUID.randomUUID(), event(tenant, "actor-" + (start + i) % 7, "user.login", "success")));
      }
      var results = appendBatch(batch).getJsonArray("results");
      for (int i = 0; i < count; i++) {
        out[start + i] = results.getJsonObject(i).getLong("index");
      }
    }
    return out;
  }

  JsonObject request(String address, JsonObject body) {
    try {
      return running.vertx().eventBus().<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(60_000))
          .toCompletionStage().toCompletableFuture().get(70, TimeUnit.SECONDS).body();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof ReplyException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The failure a request gets: its status code and the stable error code. */
  ReplyException failure(String address, JsonObject body) {
    try {
      request(address, body);
    } catch (ReplyException e) {
      return e;
    }
    throw new AssertionError("expected " + address + " to fail for " + body.encode());
  }

  static String code(ReplyException e) {
    return new JsonObject(e.getMessage()).getString("code");
  }

  /** Waits until a checkpoint covers at least {@code size} entries; returns the latest checkpoint message. */
  JsonObject awaitCheckpoint(long size) {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < end) {
      try {
        JsonObject cp = request(Addresses.AUDIT_CHECKPOINT, new JsonObject().put("v", 1));
        if (cp.getLong("size") >= size) {
          return cp;
        }
      } catch (ReplyException e) {
        // no checkpoint yet
      }
      sleep(50);
    }
    throw new AssertionError("no checkpoint of size >= " + size + " within 20 s");
  }

  long count(String sql) throws SQLException {
    try (Connection c = db.jdbc(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  void exec(String... sql) throws SQLException {
    try (Connection c = db.jdbc(); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      if (running != null) {
        TestServices.stop(running);
      }
    } finally {
      db.close();
    }
  }
}
