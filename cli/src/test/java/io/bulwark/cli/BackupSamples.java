package io.bulwark.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Backup summaries, manifests and checks shaped as backup-service answers them (from a real run), for the CLI's tests. */
final class BackupSamples {
  static final String ID = "b-20261123T021500Z-3f9a";
  static final String OTHER_ID = "b-20261123T020000Z-0b1c";
  static final String CHECK_ID = "c-20261123T030000Z-1a2b";

  private BackupSamples() {}

  /** A backup summary as backup-service answers it: what a run knows only at its end is null while it runs or failed. */
  static JsonObject summary(String id, String status) {
    JsonObject b = new JsonObject().put("id", id).put("status", status).put("trigger", "manual")
        .put("actor", "admin:ab12cd34").put("requestId", "rid-run").put("startedAt", "2026-11-23T02:15:00.917282Z")
        .put("finishedAt", (String) null).put("durationMs", (Long) null).put("bytes", (Long) null).put("sha256", (String) null)
        .put("encrypted", (Boolean) null).put("keyId", (String) null).put("failure", (Object) null)
        .put("verification", (Object) null).put("lastDrill", (Object) null).put("pruned", false).put("prunedAt", (String) null);
    if (status.equals("succeeded")) {
      b.put("finishedAt", "2026-11-23T02:16:03.917282Z").put("durationMs", 63_000).put("bytes", 1_258_291)
          .put("sha256", SHA).put("encrypted", true).put("keyId", "k-0123456789abcdef");
    } else if (status.equals("failed")) {
      b.put("finishedAt", "2026-11-23T02:15:04.917282Z").put("durationMs", 4_000)
          .put("failure", new JsonObject().put("reason", "pg_dump-failed").put("detail", "pg_dump exited with 1"));
    }
    return b;
  }

  static JsonObject manifest(String id) {
    return new JsonObject().put("format", "bulwark-backup-manifest/v1").put("id", id)
        .put("startedAt", "2026-11-23T02:15:00.920409777Z").put("finishedAt", "2026-11-23T02:16:03.127147423Z")
        .put("durationMs", 62_207)
        .put("database", new JsonObject().put("name", "bulwark").put("serverVersion", "15.20").put("serverMajor", 15))
        .put("pgDump", new JsonObject().put("version", "15.20").put("major", 15))
        .put("migrationHeads", new JsonObject().put("audit", "V2").put("backup", "V2").put("gateway", "V3")
            .put("alert", "V1"))
        .put("ledger", new JsonObject().put("size", 1234).put("prunedBelow", 0)
            .put("checkpoint", new JsonObject().put("size", 1200).put("note", "bulwark.local/audit\n1200\n..."))
            .put("verifierKeys", new JsonArray().add("bulwark.local/audit+1a2b3c4d+AQ...")))
        .put("rowCounts", new JsonObject().put("audit.entries", 1234).put("gateway.tenants", 3))
        .put("file", new JsonObject().put("name", id + ".dump").put("bytes", 1_258_291).put("sha256", SHA)
            .put("dumpBytes", 1_258_235))
        .put("encryption", new JsonObject().put("algorithm", "AES-256-GCM").put("chunkBytes", 1_048_576)
            .put("keyId", "k-0123456789abcdef"));
  }

  /**
   * A check as backup-service answers it (taken from a real run): {@code result.steps} with a step per stage, and for
   * a passed restore {@code result.promote}. A failed check's steps stop where it failed (checksum-mismatch: after the
   * manifest; row-count-mismatch, ledger-not-verified: at that step), and a failed drill or restore drops its database.
   */
  static JsonObject check(String kind, String status, String reason) {
    String database = switch (kind) {
      case "drill" -> "bulwark_drill_20261123t030000z_1a2b";
      case "restore" -> "bulwark_restore_1";
      default -> null;
    };
    JsonObject c = new JsonObject().put("id", CHECK_ID).put("kind", kind).put("backupId", ID).put("status", status)
        .put("trigger", "manual").put("reason", status.equals("running") ? null : reason)
        .put("detail", status.equals("running") ? null : detail(kind, status, reason))
        .put("startedAt", "2026-11-23T03:00:00Z").put("finishedAt", (String) null).put("durationMs", (Long) null)
        .put("actor", "admin:ab12cd34").put("requestId", "rid-check").put("database", database).put("result", (Object) null);
    if (!status.equals("running")) {
      c.put("finishedAt", "2026-11-23T03:00:12Z").put("durationMs", 12_300).put("result", result(kind, status, reason, database));
    }
    return c;
  }

  private static String detail(String kind, String status, String reason) {
    if (status.equals("passed")) {
      return switch (kind) {
        case "verify" -> "checksum, decryption and a full pg_restore of the archive passed";
        case "drill" -> "restored into a scratch database; heads, ledger and row counts match the manifest; scratch dropped";
        default -> "restored into bulwark_restore_1 and verified; ready to promote";
      };
    }
    return switch (reason) {
      case "checksum-mismatch" -> "the backup file's SHA-256 is 78a48ec8e8d419ef8af568a6e8e418923cff4386131775cb4cd522bdf0e20970;"
          + " the manifest says " + SHA + " (the file changed after it was written)";
      case "row-count-mismatch" -> "row counts differ from the manifest: audit.entries 1200 (manifest 1234)";
      case "migration-head-mismatch" -> "the restored database is at {\"alert\":\"V1\",\"audit\":\"V2\",\"backup\":\"V2\","
          + "\"gateway\":\"V2\"}; the manifest recorded {\"alert\":\"V1\",\"audit\":\"V2\",\"backup\":\"V2\",\"gateway\":\"V3\"}";
      case "ledger-not-verified" -> "the restored ledger does not verify against the manifest's signed checkpoint: "
          + "entry-changed at index 17 (entry 17 does not hash to its leaf)";
      default -> reason + " happened";
    };
  }

  static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  static final String MANIFEST_SHA = "69dbbc38c500ff7406f4a06de1c350daad9f409c6ed5bd78de918568b1be2dfa";

  static JsonObject result(String kind, String status, String reason, String database) {
    boolean passed = status.equals("passed");
    JsonArray steps = new JsonArray().add(new JsonObject().put("step", "manifest").put("ms", 1).put("sha256", MANIFEST_SHA));
    JsonObject r = new JsonObject().put("steps", steps);
    if ("checksum-mismatch".equals(reason)) {
      return dropped(kind, database, steps, r);
    }
    steps.add(new JsonObject().put("step", "restore").put("ms", 5000)
        .put("into", database == null ? "pg_restore to /dev/null" : "pg_restore into " + database)
        .put("storedBytes", 1_258_291).put("dumpBytes", 1_258_235).put("sha256", SHA));
    if (kind.equals("verify")) {
      return r;
    }
    JsonObject heads = new JsonObject().put("alert", "V1").put("audit", "V2").put("backup", "V2").put("gateway", "V3");
    boolean headsOk = !"migration-head-mismatch".equals(reason);
    steps.add(new JsonObject().put("step", "migration-heads").put("ms", 30).put("expected", heads)
        .put("actual", headsOk ? heads.copy() : heads.copy().put("gateway", "V2")));
    if (!headsOk) {
      return dropped(kind, database, steps, r);
    }
    boolean ledgerOk = !"ledger-not-verified".equals(reason);
    steps.add(new JsonObject().put("step", "ledger").put("ms", 800).put("checkpointSize", 1200).put("verification", ledgerOk
        ? new JsonObject().put("verified", true).put("reason", "ok").put("index", (Long) null).put("entries", 1200)
            .put("checkpoints", 3).put("detail", (String) null)
        : new JsonObject().put("verified", false).put("reason", "entry-changed").put("index", 17).put("entries", 17)
            .put("checkpoints", 1).put("detail", "entry 17 does not hash to its leaf")));
    if (!ledgerOk) {
      return dropped(kind, database, steps, r);
    }
    steps.add(new JsonObject().put("step", "row-counts").put("ms", 40).put("tables", 20).put("rows", passed ? 1237 : 1203)
        .put("mismatched", passed ? new JsonArray() : new JsonArray().add("audit.entries 1200 (manifest 1234)")));
    if (kind.equals("restore") && passed) {
      String url = "postgres://bulwark@127.0.0.1:5432/" + database;
      r.put("promote", new JsonObject().put("database", database).put("databaseUrl", url)
          .put("restoredHeads", heads.copy()).put("liveHeads", heads.copy()).put("readyToPromote", true)
          .put("steps", new JsonArray().add("stop every Bulwark service that uses the live database")
              .add("set DATABASE_URL to " + url + " (with its password) for every service")
              .add("start the services: each migrates its schema forward from the restored heads and checks it")
              .add("keep the old database until the services are ready, then archive or drop it")));
      return r;
    }
    return dropped(kind, database, steps, r);
  }

  /** A drill always drops its scratch database, a restore only when it failed. */
  private static JsonObject dropped(String kind, String database, JsonArray steps, JsonObject r) {
    if (database != null) {
      steps.add(new JsonObject().put("step", "drop").put("database", database).put("dropped", true));
    }
    return r;
  }

  /** A get reply: the backup, its manifest when it succeeded, and its checks newest first. */
  static JsonObject get(JsonObject backup, JsonObject... checks) {
    JsonArray list = new JsonArray();
    for (JsonObject c : checks) {
      list.add(c);
    }
    boolean ok = "succeeded".equals(backup.getString("status"));
    return new JsonObject().put("backup", backup).put("manifest", ok ? manifest(backup.getString("id")) : null)
        .put("checks", list).put("requestId", "rid-get");
  }
}
