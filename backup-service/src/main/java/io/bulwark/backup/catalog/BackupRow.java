package io.bulwark.backup.catalog;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One backup attempt as the catalog knows it, with its latest verification and drill. */
public record BackupRow(String id, String status, String trigger, String actor, String requestId, Instant startedAt,
                        Instant finishedAt, String fileName, Long bytes, String sha256, String keyId, JsonObject manifest,
                        String manifestSha256, String failureReason, String failureDetail, Instant prunedAt,
                        CheckRow lastVerification, CheckRow lastDrill) {
  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  /** Succeeded, and its file has not been pruned: the only kind of backup that is offered for restore. */
  public boolean available() {
    return SUCCEEDED.equals(status) && prunedAt == null;
  }

  /** The latest verification or drill of this backup passed. */
  public boolean verified() {
    CheckRow latest = lastVerification;
    if (lastDrill != null && (latest == null || lastDrill.startedAt().isAfter(latest.startedAt()))) {
      latest = lastDrill;
    }
    return latest != null && CheckRow.PASSED.equals(latest.status());
  }

  /** The summary every API answer uses (never the manifest: that is its own field). */
  public JsonObject toJson() {
    Long duration = finishedAt == null ? null : finishedAt.toEpochMilli() - startedAt.toEpochMilli();
    return new JsonObject().put("id", id).put("status", status).put("trigger", trigger).put("actor", actor)
        .put("requestId", requestId).put("startedAt", startedAt.toString())
        .put("finishedAt", finishedAt == null ? null : finishedAt.toString()).put("durationMs", duration)
        .put("bytes", bytes).put("sha256", sha256).put("encrypted", SUCCEEDED.equals(status) ? keyId != null : null)
        .put("keyId", keyId)
        .put("failure", failureReason == null ? null : new JsonObject().put("reason", failureReason).put("detail", failureDetail))
        .put("verification", brief(lastVerification)).put("lastDrill", brief(lastDrill))
        .put("pruned", prunedAt != null).put("prunedAt", prunedAt == null ? null : prunedAt.toString());
  }

  private static JsonObject brief(CheckRow c) {
    return c == null ? null : new JsonObject().put("status", c.status()).put("reason", c.reason())
        .put("at", (c.finishedAt() == null ? c.startedAt() : c.finishedAt()).toString()).put("checkId", c.id());
  }
}
