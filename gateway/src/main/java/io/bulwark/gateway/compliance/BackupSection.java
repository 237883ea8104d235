package io.bulwark.gateway.compliance;

import io.bulwark.gateway.backup.BackupRequests;
import io.bulwark.shared.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * backup-service's state as the compliance report and evidence packs show it, read once per report or pack. That
 * backup-service did not answer is a fact to report, never a reason to fail the report or the pack.
 */
public final class BackupSection {
  /** Members of a backup summary a tenant sees: no actor (an admin key's fingerprint), request id or failure text. */
  private static final List<String> TENANT_SUMMARY = List.of("id", "status", "trigger", "startedAt", "finishedAt",
      "durationMs", "bytes", "sha256", "encrypted", "pruned");
  /** Members of a check a tenant sees: its outcome, not its detail text or result (which holds row counts). */
  private static final List<String> TENANT_CHECK = List.of("id", "kind", "backupId", "status", "reason", "startedAt",
      "finishedAt", "durationMs");
  /** Members of a backup's embedded verification or drill outcome a tenant sees. */
  private static final List<String> TENANT_OUTCOME = List.of("status", "at", "reason");
  private final JsonObject status;
  private final String unavailable;

  private BackupSection(JsonObject status, String unavailable) {
    this.status = status;
    this.unavailable = unavailable;
  }

  /** Asks backup-service (with the requests' ordinary timeout); never fails. */
  public static Future<BackupSection> read(BackupRequests backups) {
    return backups.status().map(s -> new BackupSection(s, null)).otherwise(err -> new BackupSection(null,
        err instanceof ApiException e ? e.detail() : "backup-service could not be asked: " + err.getMessage()));
  }

  /**
   * The report's {@code backups}: {@code status} is {@code reported} when backup-service answered (whether backups are
   * healthy is {@code failing}), else {@code unavailable} with a {@code detail}. The operator's view carries the
   * summaries as backup-service gave them; a tenant's view keeps only outcomes and times, since the summaries name
   * admin keys and carry the installation's row counts and failure texts.
   */
  JsonObject forReport(boolean operatorView) {
    if (status == null) {
      return new JsonObject().put("status", "unavailable").put("detail", unavailable);
    }
    JsonObject out = new JsonObject().put("status", "reported");
    out.put("lastBackup", operatorView ? status.getValue("lastBackup") : summary(status.getValue("lastBackup")));
    out.put("lastSuccessAt", status.getValue("lastSuccessAt")).put("lastFailureAt", status.getValue("lastFailureAt"))
        .put("failing", status.getValue("failing"));
    out.put("lastVerification", operatorView ? status.getValue("lastVerification") : only(status.getValue("lastVerification"), TENANT_CHECK));
    out.put("lastDrill", operatorView ? status.getValue("lastDrill") : only(status.getValue("lastDrill"), TENANT_CHECK));
    return out.put("available", status.getValue("available"));
  }

  /** The latest backup's manifest, or null when there is none or backup-service did not answer. */
  JsonObject manifest() {
    return status != null && status.getValue("latestManifest") instanceof JsonObject m ? m : null;
  }

  /** Why {@link #manifest()} is null, for the pack's notes; null when there is a manifest. */
  String manifestNote() {
    if (status == null) {
      return "backupManifest is null: backup-service did not answer (" + unavailable + "); the report's backups section"
          + " says the same";
    }
    return manifest() == null ? "backupManifest is null: backup-service has no successful backup with a manifest yet" : null;
  }

  private static Object summary(Object value) {
    if (!(value instanceof JsonObject s)) {
      return null;
    }
    JsonObject out = only(s, TENANT_SUMMARY);
    if (s.getValue("failure") instanceof JsonObject f) {
      out.put("failure", new JsonObject().put("reason", f.getValue("reason")));
    } else if (s.containsKey("failure")) {
      out.putNull("failure");
    }
    out.put("verification", only(s.getValue("verification"), TENANT_OUTCOME));
    return out.put("lastDrill", only(s.getValue("lastDrill"), TENANT_OUTCOME));
  }

  private static JsonObject only(Object value, List<String> members) {
    if (!(value instanceof JsonObject o)) {
      return null;
    }
    JsonObject out = new JsonObject();
    for (String m : members) {
      if (o.containsKey(m)) {
        out.put(m, o.getValue(m));
      }
    }
    return out;
  }
}
