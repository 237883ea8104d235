package io.bulwark.backup.catalog;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A verification, restore drill or restore of one backup, with its verdict. */
public record CheckRow(String id, String backupId, String kind, String status, String trigger, String actor, String requestId,
                       Instant startedAt, Instant finishedAt, Long durationMs, String reason, String detail, JsonObject result,
                       String database) {
  public static final String RUNNING = "running";
  public static final String PASSED = "passed";
  public static final String FAILED = "failed";
  public static final String VERIFY = "verify";
  public static final String DRILL = "drill";
  public static final String RESTORE = "restore";

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("kind", kind).put("backupId", backupId).put("status", status)
        .put("trigger", trigger).put("reason", reason).put("detail", detail).put("startedAt", startedAt.toString())
        .put("finishedAt", finishedAt == null ? null : finishedAt.toString()).put("durationMs", durationMs)
        .put("actor", actor).put("requestId", requestId).put("database", database).put("result", result);
  }
}
