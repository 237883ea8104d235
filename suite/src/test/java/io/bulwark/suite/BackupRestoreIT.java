package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestPostgres;
import io.bulwark.shared.test.TestServices;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Backups of a suite with a real ledger, encrypted: pg_dump through checksum and AES-GCM into storage, verified by a full
 * pg_restore, drilled into a scratch database whose ledger verifies against the manifest's signed checkpoint, and
 * restored into a new database that holds the ledger rows byte for byte; the live database is never a target.
 */
class BackupRestoreIT {
  static final String KEY = Base64.getEncoder().encodeToString("it-backup-key-0123456789abcdef!!".getBytes());
  private static SuiteHarness suite;
  private static BackupBus bus;
  private static Path dir;
  private static final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private static MessageConsumer<JsonObject> listener;
  private static long ledgerSize;

  @BeforeAll
  static void start() throws Exception {
    io.bulwark.shared.test.ExternalTool.require("pg_dump", "postgresql-client");
    dir = Files.createTempDirectory("bulwark-backups-");
    suite = new SuiteHarness("backup_restore", Map.of("BULWARK_BACKUP_KEY", KEY, "BULWARK_BACKUP_DIR", dir.toString(),
        "BULWARK_BACKUP_SCHEDULE", "off", "BULWARK_BACKUP_DRILL_SCHEDULE", "off", "BULWARK_BACKUP_MIN_FREE_MB", "1"));
    bus = new BackupBus(suite.running.vertx());
    listener = suite.running.vertx().eventBus().consumer(Addresses.BACKUP_EVENTS, m -> events.add(m.body()));
    ledgerSize = bus.append(300, "acme");
    awaitCheckpoint(ledgerSize);
  }

  @AfterAll
  static void stop() {
    if (listener != null) {
      listener.unregister();
    }
    if (suite != null) {
      suite.close();
    }
    if (dir != null) {
      TestServices.deleteTree(dir);
    }
  }

  static void awaitCheckpoint(long size) throws Exception {
    try (Connection c = suite.db.jdbc()) {
      long deadline = System.currentTimeMillis() + 30_000;
      while (BackupBus.longQuery(c, "SELECT coalesce(max(tree_size), 0) FROM audit.checkpoints") < size) {
        assertTrue(System.currentTimeMillis() < deadline, "no checkpoint covering " + size);
        Http.sleep(100);
      }
    }
  }

  @Test
  void encryptedBackupVerifiesDrillsAndRestoresByteForByte() throws Exception {
    JsonObject backup = bus.backup();
    assertEquals("succeeded", backup.getString("status"), backup::encode);
    assertTrue(backup.getBoolean("encrypted"));
    String id = backup.getString("id");
    JsonObject got = bus.get(id);
    JsonObject manifest = got.getJsonObject("manifest");
    assertEquals("bulwark-backup-manifest/v1", manifest.getString("format"));
    assertEquals("V2", manifest.getJsonObject("migrationHeads").getString("backup"));
    assertTrue(manifest.getJsonObject("ledger").getLong("size") >= ledgerSize);
    assertNotNull(manifest.getJsonObject("ledger").getJsonObject("checkpoint").getString("note"));
    assertEquals(manifest.getJsonObject("ledger").getLong("size"), manifest.getJsonObject("rowCounts").getLong("audit.entries"));
    assertEquals(backup.getString("sha256"), manifest.getJsonObject("file").getString("sha256"));
    // the stored file is ciphertext: no trace of the archive format or the entries
    byte[] stored = Files.readAllBytes(dir.resolve(id + ".dump"));
    assertEquals("BWBK", new String(stored, 0, 4));
    assertFalse(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1).contains("it.backup"));
    // verified after the run, by a full pg_restore
    assertEquals("passed", got.getJsonObject("backup").getJsonObject("verification").getString("status"), got::encode);

    JsonObject drill = bus.check(id, "drill", null);
    assertEquals("passed", drill.getString("status"), drill::encode);
    JsonObject ledgerStep = step(drill, "ledger");
    assertTrue(ledgerStep.getJsonObject("verification").getBoolean("verified"), ledgerStep::encode);
    assertTrue(ledgerStep.getJsonObject("verification").getLong("entries") >= ledgerSize, ledgerStep::encode);
    assertTrue(step(drill, "row-counts").getJsonArray("mismatched").isEmpty());
    assertEquals(List.of(), databases("bulwark_drill_%"), "the drill's scratch database is dropped");

    String target = "bw_restored_" + Long.toHexString(System.nanoTime());
    try {
      JsonObject restore = bus.check(id, "restore", target);
      assertEquals("passed", restore.getString("status"), restore::encode);
      JsonObject promote = restore.getJsonObject("result").getJsonObject("promote");
      assertTrue(promote.getBoolean("readyToPromote"));
      assertEquals(target, promote.getString("database"));
      assertFalse(promote.getString("databaseUrl").contains(":" + "@"), "no password in the URL");
      long size = manifest.getJsonObject("ledger").getLong("size");
      String digest = "SELECT md5(string_agg(idx || ':' || encode(entry, 'hex') || ':' || encode(leaf_hash, 'hex') || ':' || recorded_at,"
          + " ',' ORDER BY idx)) FROM audit.entries WHERE idx < " + size;
      try (Connection live = suite.db.jdbc(); Connection restored = restoredDb(target)) {
        assertEquals(BackupBus.textQuery(live, digest), BackupBus.textQuery(restored, digest), "ledger rows byte for byte");
        assertEquals(BackupBus.textQuery(live, "SELECT string_agg(note, '|' ORDER BY tree_size) FROM audit.checkpoints WHERE tree_size <= "
            + manifest.getJsonObject("ledger").getJsonObject("checkpoint").getLong("size")),
            BackupBus.textQuery(restored, "SELECT string_agg(note, '|' ORDER BY tree_size) FROM audit.checkpoints"));
      }
      // into the live database, or into one that exists: refused before anything is written
      JsonObject live = bus.check(id, "restore", suite.db.url().database());
      assertEquals(409, live.getInteger("failed"), live::encode);
      assertEquals("restore.refused", live.getString("code"));
      JsonObject again = bus.check(id, "restore", target);
      assertEquals("restore.refused", again.getString("code"), again::encode);
    } finally {
      dropDatabase(target);
    }
    assertTrue(events.stream().anyMatch(e -> "backup.succeeded".equals(e.getString("type")) && id.equals(e.getString("backupId"))));
    assertTrue(events.stream().anyMatch(e -> "drill.passed".equals(e.getString("type")) && id.equals(e.getString("backupId"))));
    assertTrue(events.stream().anyMatch(e -> "restore.ready".equals(e.getString("type")) && id.equals(e.getString("backupId"))));
    try (Connection c = suite.db.jdbc()) {
      awaitRows(c, "SELECT count(*) FROM audit.entries WHERE action IN ('backup.succeeded', 'backup.drill', 'backup.restore', 'backup.verify')"
          + " AND convert_from(entry, 'UTF8')::jsonb ->> 'target' = '" + id + "'", 4);
    }
    String metrics = Http.get(suite.management("backup") + "/metrics").body();
    assertTrue(metric(metrics, "bulwark_backup_last_success_timestamp_seconds") > 0, metrics);
    assertEquals(0.0, metric(metrics, "bulwark_backup_last_failure_timestamp_seconds"));
    assertTrue(metric(metrics, "bulwark_restore_drill_last_success_timestamp_seconds") > 0);
    assertTrue(metric(metrics, "bulwark_backup_size_bytes") > 0);
    assertTrue(metric(metrics, "bulwark_backup_storage_free_bytes") > 0);
    JsonObject ready = Http.json(Http.get(suite.management("backup") + "/ready"));
    assertEquals("UP", ready.getJsonObject("checks").getJsonObject("storage").getString("status"), ready::encode);
    assertEquals("UP", ready.getJsonObject("checks").getJsonObject("pg_dump").getString("status"), ready::encode);
  }

  static JsonObject step(JsonObject check, String name) {
    JsonArray steps = check.getJsonObject("result").getJsonArray("steps");
    for (int i = 0; i < steps.size(); i++) {
      if (name.equals(steps.getJsonObject(i).getString("step"))) {
        return steps.getJsonObject(i);
      }
    }
    throw new AssertionError("no step " + name + " in " + check.encode());
  }

  static double metric(String text, String name) {
    for (String line : text.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no metric " + name);
  }

  static void awaitRows(Connection c, String sql, long atLeast) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    long n;
    while ((n = BackupBus.longQuery(c, sql)) < atLeast) {
      assertTrue(System.currentTimeMillis() < deadline, "only " + n + " rows for " + sql);
      Http.sleep(100);
    }
  }

  static List<String> databases(String like) throws Exception {
    return databases(suite.db, like);
  }

  static List<String> databases(TestPostgres db, String like) throws Exception {
    try (Connection c = db.jdbc(); java.sql.PreparedStatement s = c.prepareStatement("SELECT datname FROM pg_database WHERE datname LIKE ?")) {
      s.setString(1, like);
      List<String> out = new java.util.ArrayList<>();
      try (java.sql.ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    }
  }

  static Connection restoredDb(String name) throws Exception {
    var url = suite.db.url().withDatabase(name);
    return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
  }

  static void dropDatabase(String name) throws Exception {
    try (Connection c = suite.db.jdbc(); var s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  static TestPostgres db() {
    return suite.db;
  }
}
