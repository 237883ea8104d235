package io.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input to {@code bulwark backup} is exit 2 with one line, and nothing reaches the gateway: a stand-in that would
 * answer every request with success counts them, and must count none.
 */
class BackupArgumentsTest {
  private static final String ID = BackupSamples.ID;
  private StandInGateway gateway;

  @BeforeEach
  void start() {
    gateway = StandInGateway.start((r, n) -> StandInGateway.Reply.json(200, new JsonObject()));
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  private BackupRun run(String... args) {
    return BackupRun.of(Map.of(), args);
  }

  private void assertRefused(BackupRun r, String mustContain) {
    assertEquals(2, r.exit(), r.toString());
    assertEquals(1, r.err().lines().count(), "one line only: " + r);
    assertTrue(r.err().startsWith("bulwark backup ") && r.err().contains(mustContain), "expected '" + mustContain
        + "' in: " + r);
    assertEquals("", r.out(), r.toString());
    assertFalse(r.err().contains(BackupRun.TOKEN), r.toString());
    assertEquals(List.of(), gateway.requests(), "no request for bad input");
  }

  @Test
  void malformedBackupIdsAreRefusedBeforeAnyRequest() {
    for (String bad : new String[] {"b-2026", "B-20261123T021500Z-3f9a", "b-20261123T021500Z-3F9A",
        "b-20261123T021500Z-3f9a/../x", "c-20261123T021500Z-3f9a", "b-20261123T021500Z-3f9a?x=1", " ", "x".repeat(500)}) {
      for (String sub : new String[] {"show", "verify", "drill", "restore"}) {
        BackupRun r = run(sub, bad, "--base-url", gateway.url(), "--token", BackupRun.TOKEN);
        assertRefused(r, "is not a backup id");
        assertTrue(r.err().length() < 250, "a long id is cut short in the line: " + r);
      }
    }
  }

  @Test
  void databaseNamesFollowPostgresUnquotedRules() throws Exception {
    for (String bad : new String[] {"Bulwark", "1db", "db-restore", "db;drop", "", "a".repeat(64)}) {
      assertRefused(run("restore", ID, "--database", bad, "--base-url", gateway.url(), "--token", BackupRun.TOKEN),
          "is not a database name");
    }
    for (String good : new String[] {"_x", "bulwark_restore_1", "a".repeat(63)}) {
      assertEquals(good, BackupCommand.databaseName(good));
    }
  }

  @Test
  void timeoutsAreDurationsWithinADay() throws Exception {
    assertEquals(Duration.ofMinutes(30), BackupCommand.waitLimit("30m"));
    assertEquals(Duration.ofSeconds(90), BackupCommand.waitLimit("90"));
    assertEquals(Duration.ofHours(24), BackupCommand.waitLimit("24h"));
    assertEquals(Duration.ofMillis(1500), BackupCommand.waitLimit("1500ms"));
    for (String bad : new String[] {"0s", "25h", "-5m", "5 minutes", "1.5m", "PT30M", ""}) {
      assertThrows(CommandFailure.class, () -> BackupCommand.waitLimit(bad), bad);
      assertRefused(run("run", "--timeout", bad, "--base-url", gateway.url(), "--token", BackupRun.TOKEN),
          "--timeout");
      assertRefused(run("drill", ID, "--timeout", bad, "--base-url", gateway.url(), "--token", BackupRun.TOKEN),
          "--timeout");
    }
  }

  @Test
  void listStatusAndLimitAreChecked() {
    assertRefused(run("list", "--status", "running", "--base-url", gateway.url(), "--token", BackupRun.TOKEN),
        "--status must be available, failed or all");
    assertRefused(run("list", "--limit", "0", "--base-url", gateway.url(), "--token", BackupRun.TOKEN),
        "--limit must be 1 to 500");
    assertRefused(run("list", "--limit", "501", "--base-url", gateway.url(), "--token", BackupRun.TOKEN),
        "--limit must be 1 to 500");
  }

  @Test
  void aMissingKeyOrBadUrlIsBadInputAndTheKeyMayComeFromTheEnvironment() {
    assertRefused(run("list", "--base-url", gateway.url()), "no admin key: give --token or set BULWARK_TOKEN");
    assertRefused(run("run", "--base-url", gateway.url(), "--token", "two words"), "the admin key contains spaces");
    assertRefused(run("list", "--token", BackupRun.TOKEN), "--base-url is required");
    assertRefused(run("show", ID, "--base-url", "ftp://127.0.0.1:1", "--token", BackupRun.TOKEN), "--base-url");
    assertRefused(run("show", ID, "--base-url", "http://admin:" + BackupRun.TOKEN + "@127.0.0.1:1"), "--base-url");

    BackupRun fromEnv = BackupRun.of(Map.of("BULWARK_TOKEN", BackupRun.TOKEN), "list", "--base-url", gateway.url());
    assertEquals(0, fromEnv.exit(), fromEnv.toString());
    assertEquals("Bearer " + BackupRun.TOKEN, gateway.requests().get(0).authorization());
  }

  @Test
  void picocliRefusalsAreExitTwoToo() {
    assertEquals(2, run("show").exit());
    assertEquals(2, run("list", "--limit", "many").exit());
    assertEquals(2, run("frobnicate").exit());
    BackupRun none = run();
    assertEquals(2, none.exit(), none.toString());
    assertTrue(none.err().startsWith("bulwark backup: a subcommand is required"), none.toString());
    assertEquals(List.of(), gateway.requests());
  }

  @Test
  void theCommandIsRegisteredAndItsHelpNamesTheExitCodes() {
    StringWriter out = new StringWriter();
    int exit = BulwarkCli.commandLine().setOut(new PrintWriter(out, true)).execute("backup", "restore", "--help");
    assertEquals(0, exit);
    // picocli wraps the help at 80 columns; the words matter, not where the lines break
    String help = out.toString().replaceAll("\\s+", " ");
    assertTrue(help.contains("--database") && help.contains("--timeout") && help.contains("--base-url")
        && help.contains("--token") && help.contains("BULWARK_TOKEN"), help);
    assertTrue(help.contains("point DATABASE_URL at the restored database"), help);
    assertTrue(help.contains("3 the gateway is unreachable"), help);
  }

  @Test
  void aConflictDetailNamesTheRunInProgress() {
    assertEquals("b-20261123T021500Z-3f9a", BackupCommand.backupIdIn("backup b-20261123T021500Z-3f9a is running"));
    assertEquals(null, BackupCommand.backupIdIn("a check is running"));
    assertEquals(null, BackupCommand.backupIdIn(null));
  }
}
