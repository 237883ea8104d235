package io.bulwark.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Backup summaries, manifests and checks shaped as the backup contract documents them, for the CLI's tests. */
final class BackupSamples {
  static final String ID = "b-20261123T021500Z-3f9a";
  static final String OTHER_ID = "b-20261123T020000Z-0b1c";
  static final String CHECK_ID = "c-20261123T030000Z-1a2b";

  private BackupSamples() {}

  static JsonObject summary(String id, String status) {
    JsonObject b = new JsonObject().put("id", id).put("status", status).put("trigger", "manual")
        .put("actor", "admin:ab12cd34").put("requestId", "rid-run").put("startedAt", "2026-11-23T02:15:00Z")
        .put("finishedAt", (String) null).put("durationMs", 0).put("bytes", 0).put("sha256", (String) null)
        .put("encrypted", true).put("keyId", "k-0123456789abcdef").put("failure", (Object) null)
        .put("verification", (Object) null).put("lastDrill", (Object) null).put("pruned", false);
    if (status.equals("succeeded")) {
      b.put("finishedAt", "2026-11-23T02:16:03Z").put("durationMs", 63_000).put("bytes", 1_258_291)
          .put("sha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
    } else if (status.equals("failed")) {
      b.put("finishedAt", "2026-11-23T02:15:04Z").put("durationMs", 4_000)
          .put("failure", new JsonObject().put("reason", "pg_dump-failed").put("detail", "pg_dump exited with 1"));
    }
    return b;
  }

  static JsonObject manifest(String id) {
    return new JsonObject().put("format", "bulwark-backup-manifest/v1").put("id", id)
        .put("database", new JsonObject().put("name", "bulwark").put("serverVersion", "15.20").put("serverMajor", 15))
        .put("pgDump", new JsonObject().put("version", "15.20").put("major", 15))
        .put("migrationHeads", new JsonObject().put("audit", "V2").put("backup", "V2").put("gateway", "V3")
            .put("alert", "V1"))
        .put("ledger", new JsonObject().put("size", 1234).put("prunedBelow", 0)
            .put("checkpoint", new JsonObject().put("size", 1200).put("note", "bulwark.local/audit\n1200\n..."))
            .put("verifierKeys", new JsonArray().add("bulwark.local/audit+1a2b3c4d+AQ...")))
        .put("rowCounts", new JsonObject().put("audit.entries", 1234).put("gateway.tenants", 3))
        .put("file", new JsonObject().put("name", id + ".dump").put("bytes", 1_258_291)
            .put("sha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"))
        .put("encryption", new JsonObject().put("algorithm", "AES-256-GCM").put("chunkBytes", 1_048_576)
            .put("keyId", "k-0123456789abcdef"));
  }

  static JsonObject check(String kind, String status, String reason) {
    JsonObject c = new JsonObject().put("id", CHECK_ID).put("kind", kind).put("backupId", ID).put("status", status)
        .put("reason", reason).put("detail", status.equals("failed") ? "row counts differ: audit.entries" : "")
        .put("startedAt", "2026-11-23T03:00:00Z").put("actor", "admin:ab12cd34").put("requestId", "rid-check");
    if (!status.equals("running")) {
      c.put("finishedAt", "2026-11-23T03:00:12Z").put("durationMs", 12_300).put("result", result(kind, status));
    }
    return c;
  }

  static JsonObject result(String kind, String status) {
    boolean passed = status.equals("passed");
    JsonObject r = new JsonObject()
        .put("steps", new JsonArray().add(step("decrypt", 1200)).add(step("pg_restore", 5000))
            .add(step("migration-heads", 30)).add(step("ledger", 800)).add(new JsonObject().put("name", "row-counts")
                .put("status", passed ? "ok" : "failed").put("durationMs", 40)))
        .put("ledger", new JsonObject().put("verified", true).put("reason", "ok").put("entries", 1234)
            .put("checkpoints", 3))
        .put("rowCounts", new JsonObject()
            .put("audit.entries", new JsonObject().put("expected", 1234).put("actual", passed ? 1234 : 1200))
            .put("gateway.tenants", new JsonObject().put("expected", 3).put("actual", 3)));
    if (kind.equals("restore")) {
      r.put("database", "bulwark_restore_1").put("readyToPromote", passed)
          .put("promote", new JsonObject().put("databaseUrl", "postgresql://bulwark:s3cret-pw@127.0.0.1:5432/bulwark_restore_1")
              .put("steps", new JsonArray().add("stop the services").add("set DATABASE_URL").add("start them")));
    }
    return r;
  }

  private static JsonObject step(String name, long ms) {
    return new JsonObject().put("name", name).put("status", "ok").put("durationMs", ms);
  }

  /** A get reply: the backup, its manifest when it succeeded, and its checks newest first. */
  static JsonObject get(JsonObject backup, JsonObject... checks) {
    JsonArray list = new JsonArray();
    for (JsonObject c : checks) {
      list.add(c);
    }
    boolean ok = "succeeded".equals(backup.getString("status"));
    return new JsonObject().put("backup", backup).put("manifest", ok ? manifest(backup.getString("id")) : null)
        .put("checks", list);
  }
}
