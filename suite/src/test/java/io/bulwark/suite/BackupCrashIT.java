package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.ChildJvm;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A suite killed (SIGKILL) while pg_dump is mid-run: after a restart the run is failed with reason 'interrupted', it is
 * not listed as available, nothing of it (not even a partial upload) stays in storage, and the next backup succeeds.
 */
class BackupCrashIT {
  private static final Path JAR = Path.of("target/bulwark-suite.jar");
  private static final String ADMIN = "Bearer " + SuiteHarness.ADMIN_KEY;
  /** pg_dump's sessions on this test's database, seen from outside any transaction of the test's own. */
  private static final String PG_DUMP_SESSIONS = "FROM pg_stat_activity WHERE application_name = 'bulwark-pg_dump'"
      + " AND datname = current_database()";

  @TempDir
  Path dir;

  @Test
  void aBackupKilledMidRunIsFailedInterruptedAfterARestartAndLeavesNothing() throws Exception {
    io.bulwark.shared.test.ExternalTool.require("pg_dump", "postgresql-client");
    Path backups = dir.resolve("backups");
    try (TestPostgres db = TestPostgres.create("backup_crash")) {
      Map<String, String> env = env(db, backups);
      String gw = "http://127.0.0.1:" + env.get("GATEWAY_HTTP_PORT");
      try (Connection c = db.jdbc(); Statement s = c.createStatement()) {
        // outside the service schemas: the manifest does not count it, pg_dump must lock it
        s.execute("CREATE TABLE public.crash_probe (id int)");
      }
      String id;
      try (ChildJvm first = ChildJvm.start(JAR, env, dir.resolve("first.log"));
           Connection locker = db.jdbc(); Connection watcher = db.jdbc(); Statement lock = locker.createStatement()) {
        awaitReady(first, env);
        locker.setAutoCommit(false);
        lock.execute("LOCK TABLE public.crash_probe IN ACCESS EXCLUSIVE MODE");
        HttpResponse<String> started = Http.post(gw + "/admin/backups?wait=false", "", "Authorization", ADMIN);
        assertEquals(202, started.statusCode(), started.body());
        JsonObject running = Http.json(started).getJsonObject("backup");
        assertEquals("running", running.getString("status"), started.body());
        id = running.getString("id");
        // pg_stat_activity is a snapshot per transaction: the watcher is autocommit, so each query sees afresh
        long deadline = System.currentTimeMillis() + 30_000;
        while (BackupBus.longQuery(watcher, "SELECT count(*) " + PG_DUMP_SESSIONS + " AND wait_event_type = 'Lock'") == 0) {
          assertTrue(System.currentTimeMillis() < deadline, "pg_dump never waited for the lock:\n" + first.output());
          Http.sleep(100);
        }
        assertTrue(names(backups).contains(".partial-" + id + ".dump"), "the upload is under way: " + names(backups));
        assertEquals("running", BackupBus.textQuery(watcher, "SELECT status FROM backup.backups WHERE id = '" + id + "'"));

        first.process().destroyForcibly();
        assertTrue(first.process().waitFor(30, TimeUnit.SECONDS), "the suite survived SIGKILL");
        locker.rollback();
        // the orphaned pg_dump would go on to dump into a closed pipe: end its session rather than wait for that
        BackupBus.longQuery(watcher, "SELECT count(pg_terminate_backend(pid)) " + PG_DUMP_SESSIONS);
        deadline = System.currentTimeMillis() + 20_000;
        while (BackupBus.longQuery(watcher, "SELECT count(*) " + PG_DUMP_SESSIONS) > 0) {
          assertTrue(System.currentTimeMillis() < deadline, "pg_dump's session outlived its process");
          Http.sleep(100);
        }
      }

      try (ChildJvm second = ChildJvm.start(JAR, env, dir.resolve("second.log"))) {
        awaitReady(second, env);
        JsonObject crashed = find(list(gw, "?status=all"), id);
        assertEquals("failed", crashed.getString("status"), crashed.encode());
        assertEquals("interrupted", crashed.getJsonObject("failure").getString("reason"), crashed.encode());
        assertTrue(crashed.getString("finishedAt") != null && crashed.getValue("sha256") == null, crashed.encode());
        assertEquals(null, find(list(gw, ""), id), "an interrupted run is not available");
        assertTrue(names(backups).stream().noneMatch(n -> n.contains(id) || n.startsWith(".partial-")),
            "nothing of the interrupted run stays in storage: " + names(backups));
        assertTrue(second.output().contains("backup runs interrupted by a stop were marked failed: [" + id + "]"),
            second.output());

        HttpResponse<String> again = Http.post(gw + "/admin/backups?wait=true", "", "Authorization", ADMIN);
        assertEquals(200, again.statusCode(), again.body());
        JsonObject done = Http.json(again).getJsonObject("backup");
        assertEquals("succeeded", done.getString("status"), again.body());
        JsonArray available = list(gw, "");
        assertTrue(find(available, done.getString("id")) != null, available.encode());
        assertTrue(Files.isRegularFile(backups.resolve(done.getString("id") + ".dump")));
        assertEquals(0, second.terminate(Duration.ofSeconds(30)), second.output());
      }
    }
  }

  private static Map<String, String> env(TestPostgres db, Path backups) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", db.databaseUrl());
    env.put("BULWARK_ENV", "test");
    env.put("BULWARK_ADMIN_KEYS", SuiteHarness.ADMIN_KEY);
    env.put("BULWARK_SHUTDOWN_DRAIN_MS", "200");
    env.put("BULWARK_BACKUP_DIR", backups.toString());
    env.put("BULWARK_BACKUP_SCHEDULE", "off");
    env.put("BULWARK_BACKUP_DRILL_SCHEDULE", "off");
    env.put("BULWARK_BACKUP_MIN_FREE_MB", "1");
    env.put("BULWARK_BACKUP_LOCK_WAIT_TIMEOUT", "120s");
    env.put("GATEWAY_HTTP_PORT", Integer.toString(TestPostgres.freePort()));
    for (String s : List.of("GATEWAY", "AUDIT", "BACKUP", "ALERT")) {
      env.put(s + "_MANAGEMENT_PORT", Integer.toString(TestPostgres.freePort()));
    }
    return env;
  }

  private static void awaitReady(ChildJvm suite, Map<String, String> env) {
    for (String service : List.of("AUDIT", "BACKUP", "GATEWAY")) {
      GatewayPair.awaitReady(service.toLowerCase(), suite, Integer.parseInt(env.get(service + "_MANAGEMENT_PORT")));
    }
  }

  private static JsonArray list(String gw, String query) {
    HttpResponse<String> r = Http.get(gw + "/admin/backups" + query, "Authorization", ADMIN);
    assertEquals(200, r.statusCode(), r.body());
    return Http.json(r).getJsonArray("backups");
  }

  private static JsonObject find(JsonArray backups, String id) {
    return backups.stream().map(JsonObject.class::cast).filter(b -> id.equals(b.getString("id"))).findFirst().orElse(null);
  }

  private static List<String> names(Path folder) throws Exception {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
