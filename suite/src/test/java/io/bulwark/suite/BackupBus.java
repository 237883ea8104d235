package io.bulwark.suite;

import io.bulwark.shared.bus.AppendRequest;
import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Test helpers that drive backup-service over the bus of an in-process suite and read what it left in the database. */
final class BackupBus {
  private final Vertx vertx;

  BackupBus(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The reply body; a failure is returned as {@code {"failed": status, "code": ..., "detail": ...}}. */
  JsonObject request(String address, JsonObject body, long timeoutMs) {
    try {
      return vertx.eventBus().<JsonObject>request(address, body.put("v", 1), new DeliveryOptions().setSendTimeout(timeoutMs))
          .toCompletionStage().toCompletableFuture().get(timeoutMs + 5000, TimeUnit.MILLISECONDS).body();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof ReplyException re) {
        JsonObject failure = new JsonObject().put("failed", re.failureCode()).put("type", re.failureType().name());
        try {
          failure.mergeIn(new JsonObject(re.getMessage()));
        } catch (RuntimeException notJson) {
          failure.put("detail", re.getMessage());
        }
        return failure;
      }
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs a backup and waits for its end; returns the backup summary. */
  JsonObject backup() {
    JsonObject reply = request(Addresses.BACKUP_RUN, new JsonObject().put("trigger", "manual").put("actor", "it").put("wait", true),
        300_000);
    if (!reply.containsKey("backup")) {
      throw new AssertionError("the run did not start: " + reply.encode());
    }
    return reply.getJsonObject("backup");
  }

  /** Runs a check (verify, drill, restore) and waits for its verdict; returns the check. */
  JsonObject check(String id, String kind, String database) {
    JsonObject body = new JsonObject().put("id", id).put("kind", kind).put("actor", "it").put("wait", true);
    if (database != null) {
      body.put("database", database);
    }
    JsonObject reply = request(Addresses.BACKUP_CHECK, body, 300_000);
    return reply.containsKey("failed") ? reply : reply.getJsonObject("check");
  }

  JsonObject get(String id) {
    return request(Addresses.BACKUP_GET, new JsonObject().put("id", id), 10_000);
  }

  /** Appends {@code n} ledger entries and returns the ledger's size afterwards. */
  long append(int n, String tenant) {
    long last = -1;
    for (int i = 0; i < n; i++) {
      AuditEvent event = new AuditEvent("audit", tenant, "it", "it.backup", "success", "entry-" + i, null, null,
          new JsonObject().put("i", i));
      JsonObject reply = request(Addresses.AUDIT_APPEND, new AppendRequest(UUID.randomUUID().toString(), event).toJson(), 10_000);
      last = reply.getLong("index");
    }
    return last + 1;
  }

  static long longQuery(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String textQuery(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
