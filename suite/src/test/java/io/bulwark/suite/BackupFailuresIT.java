package io.bulwark.suite;

import static io.bulwark.suite.BackupRestoreIT.metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.backup.BackupService;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.lifecycle.Bulwark;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestServices;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What goes wrong with backups, made to go wrong for real: corrupted, truncated and manifest-less files and a wrong key
 * are refused by verify, drill and restore with their reason; pg_dump failing (lock timeout, its server connection
 * killed, a run timeout) is a failed run that lists nothing and leaves no child process; a second run while one is in
 * progress is told so, in this process and from another instance; retention keeps what its policy says. Three
 * backup-service instances share one catalog: the suite's (key K1), one with another key, one without a key.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupFailuresIT {
  static final String K1 = Base64.getEncoder().encodeToString("it-backup-key-one-0123456789abcd".getBytes());
  static final String K2 = Base64.getEncoder().encodeToString("it-backup-key-two-0123456789abcd".getBytes());
  private static SuiteHarness suite;
  private static Path dir;
  private static BackupBus main;
  private static Bulwark otherKey;
  private static BackupBus other;
  private static Bulwark plainInstance;
  private static BackupBus plain;
  private static String good;
  private static String ok;
  private static final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private static MessageConsumer<JsonObject> listener;

  @BeforeAll
  static void start() throws Exception {
    io.bulwark.shared.test.ExternalTool.require("pg_dump", "postgresql-client");
    dir = Files.createTempDirectory("bulwark-backups-");
    suite = new SuiteHarness("backup_failures", Map.of("BULWARK_BACKUP_KEY", K1, "BULWARK_BACKUP_DIR", dir.toString(),
        "BULWARK_BACKUP_SCHEDULE", "off", "BULWARK_BACKUP_DRILL_SCHEDULE", "off", "BULWARK_BACKUP_MIN_FREE_MB", "1",
        "BULWARK_BACKUP_LOCK_WAIT_TIMEOUT", "60s", "BULWARK_BACKUP_KEEP_LAST", "3", "BULWARK_BACKUP_KEEP_DAILY", "0",
        "BULWARK_BACKUP_KEEP_WEEKLY", "0", "BULWARK_BACKUP_KEEP_MONTHLY", "0"));
    main = new BackupBus(suite.running.vertx());
    listener = suite.running.vertx().eventBus().consumer(Addresses.BACKUP_EVENTS, m -> events.add(m.body()));
    main.append(50, "acme");
    try (Connection c = suite.db.jdbc(); Statement s = c.createStatement()) {
      // outside the service schemas: the manifest does not count it, pg_dump must lock it — a lock on it stalls pg_dump only
      s.execute("CREATE TABLE public.backup_lock_probe (id int)");
    }
    otherKey = instance(Map.of("BULWARK_BACKUP_KEY", K2, "BULWARK_BACKUP_LOCK_WAIT_TIMEOUT", "1s"));
    other = new BackupBus(otherKey.vertx());
    plainInstance = instance(Map.of("BULWARK_BACKUP_TIMEOUT", "3s"));
    plain = new BackupBus(plainInstance.vertx());
    awaitCheckpoint();
    JsonObject b = main.backup();
    assertEquals("succeeded", b.getString("status"), b::encode);
    good = b.getString("id");
  }

  /** Another backup-service on the suite's database and backup directory, with its own settings. */
  static Bulwark instance(Map<String, String> extra) {
    Map<String, String> env = TestServices.env(suite.db.databaseUrl(), List.of(BackupService.DEFINITION));
    env.put("BULWARK_BACKUP_DIR", dir.toString());
    env.put("BULWARK_BACKUP_SCHEDULE", "off");
    env.put("BULWARK_BACKUP_DRILL_SCHEDULE", "off");
    env.put("BULWARK_BACKUP_MIN_FREE_MB", "1");
    env.putAll(extra);
    return TestServices.start(List.of(BackupService.DEFINITION), new HashMap<>(env));
  }

  static void awaitCheckpoint() throws Exception {
    try (Connection c = suite.db.jdbc()) {
      long size = BackupBus.longQuery(c, "SELECT max(idx) + 1 FROM audit.entries");
      long deadline = System.currentTimeMillis() + 30_000;
      while (BackupBus.longQuery(c, "SELECT coalesce(max(tree_size), 0) FROM audit.checkpoints") < size) {
        assertTrue(System.currentTimeMillis() < deadline);
        Http.sleep(100);
      }
    }
  }

  @AfterAll
  static void stop() {
    if (listener != null) {
      listener.unregister();
    }
    for (Bulwark b : new Bulwark[] {otherKey, plainInstance}) {
      if (b != null) {
        TestServices.stop(b);
      }
    }
    if (suite != null) {
      suite.close();
    }
    if (dir != null) {
      TestServices.deleteTree(dir);
    }
  }

  @Test
  @Order(1)
  void corruptionIsFoundByVerifyDrillAndRestoreAndNothingIsPromoted() throws Exception {
    Path file = dir.resolve(good + ".dump");
    Path manifest = dir.resolve(good + ".manifest.json");
    byte[] original = Files.readAllBytes(file);
    try {
      byte[] flipped = original.clone();
      flipped[flipped.length / 2] ^= 0x01;
      Files.write(file, flipped);
      assertFailed(main.check(good, "verify", null), "checksum-mismatch");
      assertFailed(main.check(good, "drill", null), "checksum-mismatch");
      String target = "bw_never_" + Long.toHexString(System.nanoTime());
      assertFailed(main.check(good, "restore", target), "checksum-mismatch");
      assertEquals(List.of(), BackupRestoreIT.databases(suite.db, target), "a failed restore leaves no database to promote");
      assertEquals(List.of(), BackupRestoreIT.databases(suite.db, "bulwark_drill_%"));

      Files.write(file, java.util.Arrays.copyOf(original, original.length / 2));
      assertFailed(main.check(good, "verify", null), "truncated");
      assertFailed(main.check(good, "drill", null), "truncated");
      Files.write(file, original);

      Path aside = dir.resolve("aside.json");
      Files.move(manifest, aside, StandardCopyOption.REPLACE_EXISTING);
      assertFailed(main.check(good, "verify", null), "missing-manifest");
      assertFailed(main.check(good, "drill", null), "missing-manifest");
      Files.move(aside, manifest);

      // intact file, but this instance holds only another key
      JsonObject wrong = other.check(good, "verify", null);
      assertFailed(wrong, "wrong-key");
      assertFalse(wrong.getString("detail").contains(K1) || wrong.getString("detail").contains(K2), "no key material");
      assertFailed(other.check(good, "drill", null), "wrong-key");
    } finally {
      Files.write(file, original);
    }
    JsonObject again = main.check(good, "verify", null);
    assertEquals("passed", again.getString("status"), again::encode);
  }

  static void assertFailed(JsonObject check, String reason) {
    assertEquals("failed", check.getString("status"), check::encode);
    assertEquals(reason, check.getString("reason"), check::encode);
    assertFalse(check.getString("detail", "").isBlank());
  }

  @Test
  @Order(2)
  void pgDumpFailuresAreFailedRunsThatListNothing() throws Exception {
    try (Connection locker = suite.db.jdbc(); Statement s = locker.createStatement()) {
      locker.setAutoCommit(false);
      s.execute("LOCK TABLE public.backup_lock_probe IN ACCESS EXCLUSIVE MODE");
      // lock wait timeout: pg_dump gives up after 1 s
      JsonObject timedOut = other.backup();
      assertEquals("failed", timedOut.getString("status"), timedOut::encode);
      assertEquals("pg_dump-failed", timedOut.getJsonObject("failure").getString("reason"));
      assertTrue(timedOut.getJsonObject("failure").getString("detail").contains("lock"), timedOut::encode);
      assertNoFiles(timedOut.getString("id"));

      // a run in progress: the second request is refused here and from another instance
      // a bounded wait answers with the run's state when the time is up: still running
      long asked = System.nanoTime();
      JsonObject running = main.request(Addresses.BACKUP_RUN, new JsonObject().put("actor", "it").put("wait", true).put("waitMs", 1000),
          10_000).getJsonObject("backup");
      assertEquals("running", running.getString("status"), running::encode);
      assertTrue(System.nanoTime() - asked >= 900_000_000L, "it waited");
      String id = running.getString("id");
      JsonObject second = main.request(Addresses.BACKUP_RUN, new JsonObject().put("actor", "it"), 10_000);
      assertEquals(409, second.getInteger("failed"), second::encode);
      assertEquals("backup.in_progress", second.getString("code"));
      assertTrue(second.getString("detail").contains(id));
      JsonObject elsewhere = other.request(Addresses.BACKUP_RUN, new JsonObject().put("actor", "it"), 10_000);
      assertEquals("backup.in_progress", elsewhere.getString("code"), elsewhere::encode);

      // the server ends pg_dump's session while it waits: the run fails, nothing is listed
      long deadline = System.currentTimeMillis() + 20_000;
      long killed = 0;
      // pg_stat_activity is a snapshot per transaction: watch from outside the locker's
      try (Connection watcher = suite.db.jdbc()) {
        while (killed == 0) {
          assertTrue(System.currentTimeMillis() < deadline, "pg_dump never connected");
          killed = BackupBus.longQuery(watcher, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            + " WHERE application_name = 'bulwark-pg_dump' AND datname = current_database()");
          Http.sleep(killed == 0 ? 100 : 0);
        }
      }
      JsonObject failed = awaitFinished(main, id);
      assertEquals("failed", failed.getString("status"), failed::encode);
      assertEquals("pg_dump-failed", failed.getJsonObject("failure").getString("reason"));
      assertNoFiles(id);
      locker.rollback();
    }
    JsonObject list = main.request(Addresses.BACKUP_LIST, new JsonObject(), 10_000);
    assertTrue(list.getJsonArray("backups").stream().map(o -> ((JsonObject) o).getString("status")).allMatch("succeeded"::equals));
    String metrics = Http.get(suite.management("backup") + "/metrics").body();
    assertTrue(metric(metrics, "bulwark_backup_last_failure_timestamp_seconds") > 0, metrics);
    assertTrue(metrics.contains("bulwark_backup_failures_total{reason=\"pg_dump-failed\""), metrics);
    assertTrue(events.stream().anyMatch(e -> "backup.failed".equals(e.getString("type"))));
    // a later success clears the failing state
    JsonObject later = main.backup();
    assertEquals("succeeded", later.getString("status"), later::encode);
    ok = later.getString("id");
    metrics = Http.get(suite.management("backup") + "/metrics").body();
    assertEquals(0.0, metric(metrics, "bulwark_backup_last_failure_timestamp_seconds"));
  }

  @Test
  @Order(3)
  void aRunThatOutlivesItsTimeoutIsKilledAndReaped() throws Exception {
    try (Connection locker = suite.db.jdbc(); Statement s = locker.createStatement()) {
      locker.setAutoCommit(false);
      s.execute("LOCK TABLE public.backup_lock_probe IN ACCESS EXCLUSIVE MODE");
      JsonObject run = plain.backup();
      assertEquals("failed", run.getString("status"), run::encode);
      assertEquals("timeout", run.getJsonObject("failure").getString("reason"));
      assertNoFiles(run.getString("id"));
      assertTrue(ProcessHandle.current().descendants().noneMatch(p -> p.info().command().orElse("").endsWith("pg_dump")),
          "pg_dump was reaped");
      locker.rollback();
      // the killed client's session notices once it is no longer waiting for the lock
      locker.setAutoCommit(true);
      long deadline = System.currentTimeMillis() + 10_000;
      while (BackupBus.longQuery(locker, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'bulwark-pg_dump'"
          + " AND datname = current_database()") > 0) {
        assertTrue(System.currentTimeMillis() < deadline, "pg_dump's session outlived it");
        Http.sleep(100);
      }
    }
  }

  @Test
  @Order(4)
  void unencryptedBackupsDrillAndRetentionKeepsWhatThePolicySays() throws Exception {
    JsonObject unencrypted = plain.backup();
    assertEquals("succeeded", unencrypted.getString("status"), unencrypted::encode);
    assertFalse(unencrypted.getBoolean("encrypted"));
    byte[] head = Files.readAllBytes(dir.resolve(unencrypted.getString("id") + ".dump"));
    assertEquals("PGDMP", new String(head, 0, 5));
    JsonObject drill = plain.check(unencrypted.getString("id"), "drill", null);
    assertEquals("passed", drill.getString("status"), drill::encode);
    // plain is not on the suite's bus, so it cannot write the ledger: it must not have pruned anything
    assertFalse(plain.get(good).getJsonObject("backup").getBoolean("pruned"));

    // keep the last 3: each later run prunes what falls out, once the newer one verified, each in the ledger first
    assertEquals("succeeded", main.backup().getString("status"));
    assertEquals("succeeded", main.backup().getString("status"));
    JsonObject available = main.request(Addresses.BACKUP_LIST, new JsonObject().put("status", "available"), 10_000);
    assertEquals(3, available.getJsonArray("backups").size(), available::encode);
    for (String id : List.of(good, ok)) {
      JsonObject pruned = main.get(id).getJsonObject("backup");
      assertTrue(pruned.getBoolean("pruned"), pruned::encode);
      assertNoFiles(id);
      try (Connection c = suite.db.jdbc()) {
        BackupRestoreIT.awaitRows(c, "SELECT count(*) FROM audit.entries WHERE action = 'backup.pruned'"
            + " AND convert_from(entry, 'UTF8')::jsonb ->> 'target' = '" + id + "'", 1);
      }
    }
    JsonObject refused = main.request(Addresses.BACKUP_CHECK, new JsonObject().put("id", good).put("kind", "drill"), 10_000);
    assertEquals("backup.not_available", refused.getString("code"), refused::encode);
    assertTrue(events.stream().anyMatch(e -> "backup.pruned".equals(e.getString("type")) && good.equals(e.getString("backupId"))));
  }

  @Test
  @Order(5)
  void afterTheDatabaseIsLostTheBackupsInStorageAreFoundAndRestore() throws Exception {
    JsonObject kept = main.request(Addresses.BACKUP_LIST, new JsonObject(), 10_000).getJsonArray("backups").getJsonObject(0);
    try (io.bulwark.shared.test.TestPostgres fresh = io.bulwark.shared.test.TestPostgres.create("backup_dr")) {
      Map<String, String> env = TestServices.env(fresh.databaseUrl(), List.of(BackupService.DEFINITION));
      env.put("BULWARK_BACKUP_DIR", dir.toString());
      env.put("BULWARK_BACKUP_KEY", K1);
      env.put("BULWARK_BACKUP_SCHEDULE", "off");
      env.put("BULWARK_BACKUP_DRILL_SCHEDULE", "off");
      env.put("BULWARK_BACKUP_MIN_FREE_MB", "1");
      Bulwark recovered = TestServices.start(List.of(BackupService.DEFINITION), env);
      String target = "bw_dr_" + Long.toHexString(System.nanoTime());
      try {
        BackupBus bus = new BackupBus(recovered.vertx());
        JsonObject found = bus.get(kept.getString("id")).getJsonObject("backup");
        assertEquals("imported", found.getString("trigger"), found::encode);
        assertEquals(kept.getString("sha256"), found.getString("sha256"));
        JsonObject restore = bus.check(kept.getString("id"), "restore", target);
        assertEquals("passed", restore.getString("status"), restore::encode);
        assertTrue(BackupRestoreIT.step(restore, "ledger").getJsonObject("verification").getBoolean("verified"));
      } finally {
        TestServices.stop(recovered);
        try (Connection c = suite.db.jdbc(); Statement s = c.createStatement()) {
          s.execute("DROP DATABASE IF EXISTS " + target + " WITH (FORCE)");
        }
      }
    }
  }

  static JsonObject awaitFinished(BackupBus bus, String id) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (true) {
      JsonObject b = bus.get(id).getJsonObject("backup");
      if (!"running".equals(b.getString("status"))) {
        return b;
      }
      assertTrue(System.currentTimeMillis() < deadline, "still running: " + b.encode());
      Http.sleep(100);
    }
  }

  static void assertNoFiles(String id) throws Exception {
    try (var files = Files.list(dir)) {
      List<String> left = files.map(p -> p.getFileName().toString()).filter(n -> n.contains(id)).toList();
      assertEquals(List.of(), left, "nothing of a failed run stays in storage");
    }
  }
}
