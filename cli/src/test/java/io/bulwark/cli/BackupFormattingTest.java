package io.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the backup commands print: sizes, times, the list table, a backup's report and a check's result. */
class BackupFormattingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode node(JsonObject o) throws Exception {
    return JSON.readTree(o.encode());
  }

  @Test
  void sizesUseBinaryUnitsWithOneDecimal() {
    assertEquals("0 B", BackupText.size(0));
    assertEquals("1023 B", BackupText.size(1023));
    assertEquals("1.0 KiB", BackupText.size(1024));
    assertEquals("1.5 KiB", BackupText.size(1536));
    assertEquals("1.2 MiB", BackupText.size(1_258_291));
    assertEquals("3.0 GiB", BackupText.size(3L << 30));
    assertEquals("2.0 PiB", BackupText.size(2L << 50));
    assertEquals("2048.0 PiB", BackupText.size(2L << 60));
    assertEquals("-", BackupText.size((JsonNode) null));
  }

  @Test
  void durationsTimesAndLimitsReadShort() {
    assertEquals("850 ms", BackupText.duration(850));
    assertEquals("12.3 s", BackupText.duration(12_300));
    assertEquals("4m 05s", BackupText.duration(245_000));
    assertEquals("1h 02m", BackupText.duration(3_720_000));
    assertEquals("2026-11-23 02:15:00Z", BackupText.time("2026-11-23T02:15:00Z"));
    assertEquals("2026-11-23 01:15:00Z", BackupText.time("2026-11-23T02:15:00+01:00"));
    assertEquals("2026-11-23 02:15Z", BackupText.shortTime("2026-11-23T02:15:59.123Z"));
    assertEquals("-", BackupText.time(null));
    assertEquals("not a time", BackupText.time("not a\ntime"));
    assertEquals("30m", BackupText.limit(Duration.ofMinutes(30)));
    assertEquals("2h", BackupText.limit(Duration.ofHours(2)));
    assertEquals("90s", BackupText.limit(Duration.ofSeconds(90)));
    assertEquals("1500ms", BackupText.limit(Duration.ofMillis(1500)));
  }

  @Test
  void passwordsInUrlsAndPairsAreHidden() {
    assertEquals("postgresql://bulwark:***@db:5432/x", BackupText.redact("postgresql://bulwark:s3cret@db:5432/x"));
    assertEquals("host=db password=*** dbname=x", BackupText.redact("host=db password=s3cret dbname=x"));
    assertEquals("jdbc:postgresql://db/x?user=u&password=***", BackupText.redact("jdbc:postgresql://db/x?user=u&password=p"));
    assertEquals("postgresql://db:5432/x", BackupText.redact("postgresql://db:5432/x"));
  }

  @Test
  void theListIsAnAlignedTableWithRunningAndLastTimesBelow() throws Exception {
    JsonObject verified = BackupSamples.summary(BackupSamples.ID, "succeeded")
        .put("verification", new JsonObject().put("status", "passed").put("at", "2026-11-23T02:17:00Z")
            .put("reason", "ok").put("checkId", BackupSamples.CHECK_ID))
        .put("lastDrill", new JsonObject().put("status", "failed").put("at", "2026-11-23T03:00:00Z")
            .put("reason", "row-count-mismatch").put("checkId", BackupSamples.CHECK_ID));
    JsonObject failed = BackupSamples.summary(BackupSamples.OTHER_ID, "failed");
    JsonObject reply = new JsonObject().put("backups", new JsonArray().add(verified).add(failed))
        .put("running", BackupSamples.summary("b-20261123T040000Z-aaaa", "running"))
        .put("lastSuccessAt", "2026-11-23T02:16:03Z").put("lastFailureAt", "2026-11-23T02:15:04Z");

    List<String> lines = BackupTable.render(node(reply), "all");

    assertEquals(List.of(
        "ID                       STATUS                   FINISHED              SIZE  ENCRYPTED  VERIFICATION"
            + "              LAST DRILL",
        "b-20261123T021500Z-3f9a  succeeded                2026-11-23 02:16Z  1.2 MiB  yes        passed 2026-11-23"
            + " 02:17Z  failed 2026-11-23 03:00Z (row-count-mismatch)",
        "b-20261123T020000Z-0b1c  failed (pg_dump-failed)  2026-11-23 02:15Z        -  -          -"
            + "                         -",
        "running: b-20261123T040000Z-aaaa since 2026-11-23 02:15:00Z (manual)",
        "last success: 2026-11-23 02:16:03Z; last failure: 2026-11-23 02:15:04Z"), lines);
  }

  @Test
  void anEmptyListSaysSoAndAPrunedBackupIsMarked() throws Exception {
    List<String> empty = BackupTable.render(node(new JsonObject().put("backups", new JsonArray())
        .put("running", (Object) null).put("lastSuccessAt", (String) null).put("lastFailureAt", (String) null)),
        "available");
    assertEquals(List.of("no backups (status available)", "last success: -; last failure: -"), empty);
    assertEquals("succeeded (pruned)", BackupTable.status(node(BackupSamples.summary(BackupSamples.ID, "succeeded")
        .put("pruned", true))));
  }

  @Test
  void showGivesTheSummaryTheManifestHighlightsAndTheChecks() throws Exception {
    JsonObject reply = BackupSamples.get(BackupSamples.summary(BackupSamples.ID, "succeeded"),
        BackupSamples.check("drill", "failed", "row-count-mismatch"), BackupSamples.check("verify", "running", "ok"));
    String text = String.join("\n", BackupReport.show(node(reply)));

    for (String expected : List.of("backup        b-20261123T021500Z-3f9a", "status        succeeded",
        "trigger       manual by admin:ab12cd34", "finished      2026-11-23 02:16:03Z (took 1m 03s)",
        "size          1.2 MiB (1258291 bytes)",
        "sha256        9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "encrypted     yes (key k-0123456789abcdef)", "verification  -",
        "manifest (bulwark-backup-manifest/v1)", "  database    bulwark on PostgreSQL 15.20, pg_dump 15.20",
        "  heads       alert V1, audit V2, backup V2, gateway V3",
        "  ledger      size 1234, checkpoint size 1200, 1 verifier key(s)", "  rows        1237 in 2 table(s)",
        "  file        b-20261123T021500Z-3f9a.dump, 1.2 MiB", "  encryption  AES-256-GCM, key k-0123456789abcdef",
        "checks", "  c-20261123T030000Z-1a2b  drill    failed   2026-11-23 03:00:00Z  12.3 s  row-count-mismatch: row"
            + " counts differ from the manifest: audit.entries 1200 (manifest 1234)",
        "  c-20261123T030000Z-1a2b  verify   running  2026-11-23 03:00:00Z  -")) {
      assertTrue(text.contains(expected), "missing '" + expected + "' in:\n" + text);
    }
  }

  @Test
  void aFailedBackupShowsItsFailureAndNoManifest() throws Exception {
    String text = String.join("\n", BackupReport.show(node(BackupSamples.get(BackupSamples.summary(
        BackupSamples.OTHER_ID, "failed")))));
    assertTrue(text.contains("failure       pg_dump-failed: pg_dump exited with 1"), text);
    assertTrue(text.contains("manifest      -"), text);
    assertTrue(text.contains("checks        none"), text);
  }

  @Test
  void aDrillShowsEachStepTheLedgerVerdictAndTheRowsThatDiffer() throws Exception {
    String text = String.join("\n", CheckReport.render(node(BackupSamples.check("drill", "failed",
        "row-count-mismatch"))));
    assertTrue(text.startsWith("drill c-20261123T030000Z-1a2b of b-20261123T021500Z-3f9a: failed (row-count-mismatch)"
        + " in 12.3 s\ndetail        row counts differ from the manifest: audit.entries 1200 (manifest 1234)\n"), text);
    assertTrue(text.contains("steps\n"
        + "  manifest              1 ms  sha256 " + BackupSamples.MANIFEST_SHA + "\n"
        + "  restore              5.0 s  pg_restore into bulwark_drill_20261123t030000z_1a2b: 1.2 MiB stored, 1.2 MiB"
        + " restored, sha256 " + BackupSamples.SHA + "\n"
        + "  migration-heads      30 ms  as recorded: alert V1, audit V2, backup V2, gateway V3\n"
        + "  ledger              800 ms  verified\n"
        + "  row-counts           40 ms  1203 rows in 20 tables, 1 table(s) differ\n"
        + "  drop                     -  dropped bulwark_drill_20261123t030000z_1a2b\n"), text);
    assertTrue(text.contains("ledger        verified (ok): entries 1200, checkpoints 3, checkpoint size 1200\n"), text);
    assertTrue(text.endsWith("rows          1203 in 20 table(s); 1 differ from the manifest:\n"
        + "  audit.entries 1200 (manifest 1234)"), text);
    assertFalse(text.contains("promote"), text);

    String passed = String.join("\n", CheckReport.render(node(BackupSamples.check("drill", "passed", "ok"))));
    assertTrue(passed.endsWith("rows          1237 in 20 table(s), all as the manifest recorded"), passed);
  }

  @Test
  void aLedgerThatDoesNotVerifySaysWhyAndWhereAndASkippedOneSaysSo() throws Exception {
    String text = String.join("\n", CheckReport.render(node(BackupSamples.check("drill", "failed",
        "ledger-not-verified"))));
    assertTrue(text.contains("  ledger              800 ms  NOT verified (entry-changed)\n"), text);
    assertTrue(text.contains("ledger        NOT verified (entry-changed) at index 17: entries 17, checkpoints 1, "
        + "checkpoint size 1200; entry 17 does not hash to its leaf"), text);
    assertFalse(text.contains("\nrows "), "the drill stopped at the ledger: " + text);

    JsonObject skipped = BackupSamples.check("drill", "passed", "ok");
    JsonArray steps = skipped.getJsonObject("result").getJsonArray("steps");
    steps.set(3, new JsonObject().put("step", "ledger").put("ms", 0).put("skipped", "no signed checkpoint at dump time"));
    String notChecked = String.join("\n", CheckReport.render(node(skipped)));
    assertTrue(notChecked.contains("  ledger                0 ms  skipped\n"), notChecked);
    assertTrue(notChecked.contains("ledger        not checked: no signed checkpoint at dump time"), notChecked);
  }

  @Test
  void migrationHeadsThatDifferFromTheManifestAreMarked() throws Exception {
    String text = String.join("\n", CheckReport.render(node(BackupSamples.check("drill", "failed",
        "migration-head-mismatch"))));
    assertTrue(text.endsWith("  migration-heads      30 ms  alert V1, audit V2, backup V2, gateway V2 (manifest alert V1,"
        + " audit V2, backup V2, gateway V3) MISMATCH\n  drop                     -  dropped "
        + "bulwark_drill_20261123t030000z_1a2b"), "the drill stopped at the heads: " + text);
  }

  @Test
  void aVerifyHasNoLedgerOrRowsAndAnUnknownStepShowsItsFacts() throws Exception {
    JsonObject verify = BackupSamples.check("verify", "passed", "ok");
    verify.getJsonObject("result").getJsonArray("steps").add(new JsonObject().put("step", "future").put("ms", 7)
        .put("files", 2).put("note", "new").put("nested", new JsonObject()));
    String text = String.join("\n", CheckReport.render(node(verify)));
    assertTrue(text.contains("  restore       5.0 s  pg_restore to /dev/null: 1.2 MiB stored"), text);
    assertTrue(text.endsWith("  future         7 ms  files 2, note new"), text);
    assertFalse(text.contains("ledger") || text.contains("rows") || text.contains("ready"), text);

    String failed = String.join("\n", CheckReport.render(node(BackupSamples.check("verify", "failed",
        "checksum-mismatch"))));
    assertTrue(failed.endsWith("steps\n  manifest       1 ms  sha256 " + BackupSamples.MANIFEST_SHA), failed);
  }

  @Test
  void aPassedRestoreGivesThePromoteObjectAndTheNextStep() throws Exception {
    String text = String.join("\n", CheckReport.render(node(BackupSamples.check("restore", "passed", "ok"))));
    assertTrue(text.endsWith("database      bulwark_restore_1\n"
        + "database url  postgres://bulwark@127.0.0.1:5432/bulwark_restore_1\n"
        + "heads         restored alert V1, audit V2, backup V2, gateway V3; live alert V1, audit V2, backup V2, gateway V3\n"
        + "ready         yes: ready to promote\n"
        + "next step     point DATABASE_URL at postgres://bulwark@127.0.0.1:5432/bulwark_restore_1 (with its password) and"
        + " restart the services, as below\n"
        + "promote\n"
        + "  1. stop every Bulwark service that uses the live database\n"
        + "  2. set DATABASE_URL to postgres://bulwark@127.0.0.1:5432/bulwark_restore_1 (with its password) for every service\n"
        + "  3. start the services: each migrates its schema forward from the restored heads and checks it\n"
        + "  4. keep the old database until the services are ready, then archive or drop it"), text);

    String failed = String.join("\n", CheckReport.render(node(BackupSamples.check("restore", "failed",
        "ledger-not-verified"))));
    assertTrue(failed.endsWith("database      bulwark_restore_1 (dropped)\nready         no: do not promote this database"),
        failed);
    assertFalse(failed.contains("next step") || failed.contains("promote\n"), failed);
  }

  @Test
  void aPasswordInThePromoteObjectIsHidden() throws Exception {
    JsonObject check = BackupSamples.check("restore", "passed", "ok");
    JsonObject promote = check.getJsonObject("result").getJsonObject("promote");
    String url = "postgres://bulwark:s3cret-pw@127.0.0.1:5432/bulwark_restore_1";
    promote.put("databaseUrl", url).put("steps", new JsonArray().add("set DATABASE_URL to " + url));
    String text = String.join("\n", CheckReport.render(node(check)));
    assertTrue(text.contains("database url  postgres://bulwark:***@127.0.0.1:5432/bulwark_restore_1"), text);
    assertTrue(text.endsWith("  1. set DATABASE_URL to postgres://bulwark:***@127.0.0.1:5432/bulwark_restore_1"), text);
    assertFalse(text.contains("s3cret-pw"), text);
  }
}
