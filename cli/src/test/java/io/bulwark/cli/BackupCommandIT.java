package io.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.ChildJvm;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bulwark backup} as an operator runs it: the CLI jar against the suite jar on real PostgreSQL, from a backup
 * run to a restore that is ready to promote, with refusals, a bad id and a corrupted file giving their exit codes.
 */
class BackupCommandIT {
  private static final Path CLI_JAR = Path.of("target/bulwark-cli.jar");
  private static final String ADMIN_KEY = "it-cli-backup-admin-key-0123456789";
  /** Base64 of 32 bytes; also in {@link NoSecretsInLogsIT}'s list. */
  static final String BACKUP_KEY = "aXQtY2xpLWJhY2t1cC1rZXktMDEyMzQ1Njc4OWFiY2Q=";
  private static final Pattern SHOWN_ID = Pattern.compile("(?m)^backup {8}(b-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{4})$");

  @TempDir
  Path dir;

  @Test
  void operatorRunsListsVerifiesDrillsAndRestoresABackup() throws Exception {
    io.bulwark.shared.test.ExternalTool.require("pg_dump", "postgresql-client");
    Path backups = dir.resolve("backups");
    try (TestPostgres db = TestPostgres.create("backup_cli")) {
      Map<String, String> env = SuiteJarEnv.of(db.databaseUrl(), ADMIN_KEY, dir.resolve("data"));
      env.put("BULWARK_BACKUP_KEY", BACKUP_KEY);
      env.put("BULWARK_BACKUP_DIR", backups.toString());
      env.put("BULWARK_BACKUP_SCHEDULE", "off");
      env.put("BULWARK_BACKUP_DRILL_SCHEDULE", "off");
      env.put("BULWARK_BACKUP_MIN_FREE_MB", "1");
      String gw = SuiteJarEnv.gateway(env);
      String restored = "bw_cli_restored_" + Long.toHexString(System.nanoTime());
      try (ChildJvm suite = ChildJvm.start(SuiteJarEnv.SUITE_JAR, env, dir.resolve("suite.log"))) {
        SuiteJarEnv.awaitStarted(suite, env);
        ledgerWithACheckpoint(gw);

        Cli run = cli("run", "--base-url", gw);
        assertEquals(0, run.exit, run.toString());
        Matcher shown = SHOWN_ID.matcher(run.out);
        assertTrue(shown.find(), run.toString());
        String id = shown.group(1);
        assertTrue(run.out.contains("status        succeeded\n"), run.toString());
        assertTrue(run.out.contains("encrypted     yes (key k-"), run.toString());
        assertTrue(run.out.contains("manifest (bulwark-backup-manifest/v1)\n"), run.toString());
        // every service schema's head, whatever it is in this build
        assertTrue(java.util.regex.Pattern.compile("\n  heads       alert V[0-9]+, audit V[0-9]+, backup V[0-9]+, gateway V[0-9]+\n")
            .matcher(run.out).find(), run.toString());
        assertTrue(run.err.contains("backup " + id + " succeeded"), run.toString());
        assertTrue(Files.isRegularFile(backups.resolve(id + ".dump")));

        Cli list = cli("list", "--base-url", gw);
        assertEquals(0, list.exit, list.toString());
        assertTrue(list.out.lines().anyMatch(l -> l.startsWith(id + "  succeeded  ")), list.toString());
        // the verification backup-service runs after each backup shares the check lane: let it end first
        awaitVerification(gw, id);

        Cli show = cli("show", id, "--base-url", gw);
        assertEquals(0, show.exit, show.toString());
        assertTrue(show.out.startsWith("backup        " + id + "\nstatus        succeeded\n"), show.toString());
        assertTrue(show.out.contains("verification  passed at "), show.toString());
        assertTrue(show.out.contains("  file        " + id + ".dump, "), show.toString());
        assertTrue(show.out.lines().anyMatch(l -> l.matches("  c-\\S+  verify   passed .*")), show.toString());

        Cli verify = cli("verify", id, "--base-url", gw);
        assertEquals(0, verify.exit, verify.toString());
        assertTrue(verify.out.matches("(?s)verify c-\\S+ of " + id + ": passed \\(ok\\).*"), verify.toString());
        assertTrue(verify.out.contains("  restore ") && verify.out.contains("pg_restore to /dev/null: "), verify.toString());

        Cli drill = cli("drill", id, "--base-url", gw);
        assertEquals(0, drill.exit, drill.toString());
        assertTrue(drill.out.matches("(?s)drill c-\\S+ of " + id + ": passed \\(ok\\).*"), drill.toString());
        assertTrue(drill.out.matches("(?s).*\nledger        verified \\(ok\\): entries [1-9][0-9]*, checkpoints [1-9].*"),
            drill.toString());
        assertTrue(drill.out.contains("migration-heads") && drill.out.matches("(?s).*as recorded: alert V[0-9]+, audit V[0-9]+.*"), drill.toString());
        assertTrue(drill.out.contains(", all as the manifest recorded\n"), drill.toString());
        assertTrue(drill.out.matches("(?s).*  drop +- +dropped bulwark_drill_\\S+\n.*"), drill.toString());

        Cli restore = cli("restore", id, "--database", restored, "--base-url", gw);
        assertEquals(0, restore.exit, restore.toString());
        assertTrue(restore.out.contains("\ndatabase      " + restored + "\n"), restore.toString());
        assertTrue(restore.out.contains("\nready         yes: ready to promote\n"), restore.toString());
        assertTrue(restore.out.contains("\nnext step     point DATABASE_URL at postgres://"), restore.toString());
        assertTrue(restore.out.contains("/" + restored + " (with its password) and restart the services"), restore.toString());
        assertTrue(restore.out.contains("\npromote\n  1. stop every Bulwark service"), restore.toString());
        assertEquals(1, databases(db, restored), "the restored database is kept for promotion");

        Cli live = cli("restore", id, "--database", db.url().database(), "--base-url", gw);
        assertFailure(live, 2, "409 restore.refused");
        assertTrue(live.failures().get(0).endsWith("restore into a new database (--database NAME), never the live one"),
            live.toString());

        // a malformed id is refused before any request: a gateway that answers nothing would otherwise be exit 3
        assertFailure(cli("verify", "b-nope", "--base-url", gw), 2, "'b-nope' is not a backup id");
        String nowhere = "http://127.0.0.1:" + TestPostgres.freePort();
        assertFailure(cli("restore", "b-20260101T021500Z-3F9A", "--base-url", nowhere), 2, "is not a backup id");

        Path file = backups.resolve(id + ".dump");
        byte[] original = Files.readAllBytes(file);
        try {
          byte[] flipped = original.clone();
          flipped[flipped.length / 2] ^= 0x01;
          Files.write(file, flipped);
          Cli corrupted = cli("verify", id, "--base-url", gw);
          assertFailure(corrupted, 1, "failed: checksum-mismatch: the backup file's SHA-256 is ");
          assertTrue(corrupted.out.startsWith("verify c-"), corrupted.toString());
          assertTrue(corrupted.out.contains(": failed (checksum-mismatch)"), corrupted.toString());
        } finally {
          Files.write(file, original);
        }
        assertEquals(0, cli("verify", id, "--base-url", gw).exit, "the restored bytes verify again");
        assertFalse(suite.output().contains(BACKUP_KEY) || suite.output().contains(ADMIN_KEY), "no secret in the log");
      } finally {
        // after the suite stopped (try-with-resources closes it first), so nothing holds a connection to it
        dropDatabase(db, restored);
      }
    }
  }

  /** A tenant and a few events, and a signed checkpoint covering them, so the drill has a ledger to verify. */
  private static void ledgerWithACheckpoint(String gw) {
    HttpResponse<String> t = Http.post(gw + "/admin/tenants", new JsonObject().put("id", "acme").put("name", "Acme").encode(),
        "Authorization", "Bearer " + ADMIN_KEY, "Content-Type", "application/json");
    assertEquals(201, t.statusCode(), t.body());
    long last = 0;
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = Http.post(gw + "/v1/events", new JsonObject().put("actor", "user-" + i).put("action", "doc.read")
          .put("outcome", "success").put("tenant", "acme").encode(), "Authorization", "Bearer " + ADMIN_KEY,
          "Content-Type", "application/json");
      assertEquals(201, r.statusCode(), r.body());
      last = Http.json(r).getLong("index");
    }
    long covered = last;
    HttpResponse<String> cp = poll(gw + "/v1/audit/checkpoint", r -> r.statusCode() == 200
        && Long.parseLong(r.body().split("\n")[1]) > covered);
    assertTrue(Long.parseLong(cp.body().split("\n")[1]) > covered, "no checkpoint covering " + covered + ": " + cp.body());
  }

  private static void awaitVerification(String gw, String id) {
    HttpResponse<String> r = poll(gw + "/admin/backups/" + id,
        a -> a.statusCode() == 200 && Http.json(a).getJsonObject("backup").getValue("verification") != null);
    assertEquals("passed", Http.json(r).getJsonObject("backup").getJsonObject("verification").getString("status"), r.body());
  }

  /** GETs {@code url} with the admin key until {@code done} holds, for at most 30 s; returns the last answer. */
  private static HttpResponse<String> poll(String url, java.util.function.Predicate<HttpResponse<String>> done) {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    HttpResponse<String> r = Http.get(url, "Authorization", "Bearer " + ADMIN_KEY);
    while (!done.test(r) && System.nanoTime() < end) {
      Http.sleep(100);
      r = Http.get(url, "Authorization", "Bearer " + ADMIN_KEY);
    }
    return r;
  }

  private static long databases(TestPostgres db, String name) throws Exception {
    try (Connection c = db.jdbc(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + name + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void dropDatabase(TestPostgres db, String name) throws Exception {
    try (Connection c = db.jdbc(); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  private static void assertFailure(Cli r, int exit, String mustContain) {
    assertEquals(exit, r.exit, r.toString());
    assertEquals(1, r.failures().size(), r.toString());
    assertTrue(r.failures().get(0).contains(mustContain), "expected '" + mustContain + "' in: " + r);
    assertFalse(r.err.contains("Exception") || r.err.contains("\tat "), r.toString());
  }

  private record Cli(int exit, String out, String err) {
    List<String> failures() {
      return err.lines().filter(l -> l.startsWith("bulwark backup ")).toList();
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- out ---\n" + out + "--- err ---\n" + err;
    }
  }

  /** {@code java -jar bulwark-cli.jar backup args} with the admin key in BULWARK_TOKEN, never on the command line. */
  private Cli cli(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        CLI_JAR.toAbsolutePath().toString(), "backup"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "cli", ".out");
    Path err = Files.createTempFile(dir, "cli", ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("BULWARK_TOKEN", ADMIN_KEY);
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("bulwark backup " + String.join(" ", args) + " did not finish:\n" + Files.readString(err));
    }
    Cli r = new Cli(p.exitValue(), Files.readString(out), Files.readString(err));
    assertFalse((r.out + r.err).contains(ADMIN_KEY) || (r.out + r.err).contains(BACKUP_KEY), "a secret was printed: " + r);
    return r;
  }
}
