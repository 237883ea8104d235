package io.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.cli.StandInGateway.Reply;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bulwark backup verify|drill|restore} against a stand-in gateway on loopback: the POST, the polling until the
 * returned check is no longer running, what is printed, and the exit code.
 */
class BackupCheckTest {
  private static final String ID = BackupSamples.ID;
  private static final String CHECK = BackupSamples.CHECK_ID;
  private static final String GET_PATH = "/admin/backups/" + ID;
  private StandInGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  /** The POST answers a running check; GET lists it running {@code runningPolls} times, then as {@code last}. */
  private String checkThatEnds(String kind, int runningPolls, JsonObject last) {
    JsonObject older = BackupSamples.check("verify", "passed", "ok").put("id", "c-20261122T030000Z-9999");
    gateway = StandInGateway.start((r, n) -> {
      if (r.method().equals("POST") && r.path().equals(GET_PATH + "/" + kind)) {
        return Reply.json(202, new JsonObject().put("check", BackupSamples.check(kind, "running", "ok")));
      }
      if (r.method().equals("GET") && r.path().equals(GET_PATH)) {
        JsonObject now = n <= runningPolls ? BackupSamples.check(kind, "running", "ok") : last;
        return Reply.json(200, BackupSamples.get(BackupSamples.summary(ID, "succeeded"), now, older));
      }
      return Reply.problem(404, "route.not_found", "no route");
    });
    return gateway.url();
  }

  private static BackupRun run(String... args) {
    return BackupRun.of(Map.of("BULWARK_TOKEN", BackupRun.TOKEN), args);
  }

  @Test
  void aPassedVerifyIsWaitedForAndExitsZero() {
    String url = checkThatEnds("verify", 2, BackupSamples.check("verify", "passed", "ok"));
    BackupRun r = run("verify", ID, "--base-url", url);

    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().startsWith("verify " + CHECK + " of " + ID + ": passed (ok) in 12.3 s\n"), r.toString());
    assertTrue(r.err().contains("started verify " + CHECK + " of " + ID + " (request id backup-"), r.toString());
    assertEquals(List.of(), r.failures(), r.toString());
    assertEquals(3, gateway.count("GET", GET_PATH));
    StandInGateway.Request post = gateway.requests().get(0);
    assertEquals("wait=false", post.query());
    assertEquals("", post.body(), "verify sends no body");
    assertNull(post.contentType());
  }

  @Test
  void aFailedDrillIsExitOneWithStepsLedgerRowsAndItsReason() {
    String url = checkThatEnds("drill", 1, BackupSamples.check("drill", "failed", "row-count-mismatch"));
    BackupRun r = run("drill", ID, "--base-url", url);

    assertEquals(1, r.exit(), r.toString());
    assertEquals(List.of("bulwark backup drill: drill " + CHECK + " of " + ID + " failed: row-count-mismatch: row "
        + "counts differ from the manifest: audit.entries 1200 (manifest 1234)"), r.failures(), r.toString());
    assertTrue(r.out().contains("steps\n  manifest "), r.toString());
    assertTrue(r.out().contains("ledger        verified (ok): entries 1200, checkpoints 3, checkpoint size 1200"),
        r.toString());
    assertTrue(r.out().contains("rows          1203 in 20 table(s); 1 differ from the manifest:\n"
        + "  audit.entries 1200 (manifest 1234)\n"), r.toString());
  }

  @Test
  void aRestoreSendsTheDatabaseAndSaysHowToPromoteIt() {
    String url = checkThatEnds("restore", 1, BackupSamples.check("restore", "passed", "ok"));
    BackupRun r = run("restore", ID, "--database", "bulwark_restore_1", "--base-url", url);

    assertEquals(0, r.exit(), r.toString());
    StandInGateway.Request post = gateway.requests().get(0);
    assertEquals(GET_PATH + "/restore", post.path());
    assertEquals(new JsonObject().put("database", "bulwark_restore_1"), new JsonObject(post.body()));
    assertEquals("application/json", post.contentType());
    assertTrue(r.out().contains("database      bulwark_restore_1\n"
        + "database url  postgres://bulwark@127.0.0.1:5432/bulwark_restore_1\n"), r.toString());
    assertTrue(r.out().contains("ready         yes: ready to promote\nnext step     point DATABASE_URL at "
        + "postgres://bulwark@127.0.0.1:5432/bulwark_restore_1"), r.toString());
    assertTrue(r.out().contains("promote\n  1. stop every Bulwark service"), r.toString());
  }

  @Test
  void aCheckThatEndsAtOnceIsNotPolledAndJsonPrintsTheCheck() {
    gateway = StandInGateway.start((r, n) -> Reply.json(202, new JsonObject().put("check",
        BackupSamples.check("verify", "failed", "checksum-mismatch"))));
    BackupRun r = run("verify", ID, "--json", "--base-url", gateway.url());

    assertEquals(1, r.exit(), r.toString());
    JsonObject printed = new JsonObject(r.out());
    assertEquals(CHECK, printed.getString("id"));
    assertEquals("checksum-mismatch", printed.getString("reason"));
    assertEquals(1, gateway.requests().size(), "nothing to wait for");
  }

  @Test
  void refusalsAreExitTwoWithWhatToDoNext() {
    gateway = StandInGateway.start((r, n) -> switch (r.path().substring(r.path().lastIndexOf('/') + 1)) {
      case "restore" -> Reply.problem(409, "restore.refused", "database bulwark is the live database");
      case "drill" -> Reply.problem(409, "backup.not_available", "backup " + ID + " failed");
      default -> Reply.problem(404, "backup.not_found", "no backup " + ID);
    });
    BackupRun restore = run("restore", ID, "--database", "bulwark", "--base-url", gateway.url());
    assertEquals(2, restore.exit(), restore.toString());
    assertTrue(restore.failures().get(0).contains("409 restore.refused to POST " + GET_PATH + "/restore?wait=false: "
        + "database bulwark is the live database"), restore.toString());
    assertTrue(restore.failures().get(0).endsWith("restore into a new database (--database NAME), never the live one"),
        restore.toString());

    BackupRun drill = run("drill", ID, "--base-url", gateway.url());
    assertEquals(2, drill.exit(), drill.toString());
    assertTrue(drill.failures().get(0).endsWith("only a backup that succeeded and is not pruned can be checked or "
        + "restored"), drill.toString());

    BackupRun verify = run("verify", ID, "--base-url", gateway.url());
    assertEquals(2, verify.exit(), verify.toString());
    assertTrue(verify.failures().get(0).contains("404 backup.not_found"), verify.toString());
  }

  @Test
  void aCheckInProgressElsewhereNamesIt() {
    gateway = StandInGateway.start((r, n) -> Reply.problem(409, "backup.in_progress", "drill "
        + "c-20261123T025900Z-7777 of " + BackupSamples.OTHER_ID + " is running"));
    BackupRun r = run("drill", ID, "--base-url", gateway.url());
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.failures().get(0).endsWith("follow it with: bulwark backup show " + BackupSamples.OTHER_ID
        + " --base-url " + gateway.url()), r.toString());
  }

  @Test
  void aGatewayThatStopsAnsweringMidWaitIsExitThreeWithTheWayBack() {
    gateway = StandInGateway.start((r, n) -> {
      if (r.method().equals("POST")) {
        return Reply.json(202, new JsonObject().put("check", BackupSamples.check("drill", "running", "ok")));
      }
      return Reply.json(200, BackupSamples.get(BackupSamples.summary(ID, "succeeded"),
          BackupSamples.check("drill", "running", "ok")));
    });
    BackupRun r = run("drill", ID, "--base-url", gateway.url(), "--timeout", "250ms");
    assertEquals(3, r.exit(), r.toString());
    assertEquals(List.of("bulwark backup drill: stopped waiting after 250ms: drill " + CHECK + " of " + ID + " is "
        + "still running; it continues server-side: check it with bulwark backup show " + ID + " --base-url "
        + gateway.url()), r.failures());

    String url = gateway.url();
    gateway.close();
    gateway = null;
    BackupRun gone = run("drill", ID, "--base-url", url);
    assertEquals(3, gone.exit(), gone.toString());
    assertTrue(gone.failures().get(0).endsWith("connection refused"), gone.toString());
  }

  @Test
  void aCheckTheGatewayNeverListsIsExitOneNotAnEndlessWait() {
    gateway = StandInGateway.start((r, n) -> r.method().equals("POST")
        ? Reply.json(202, new JsonObject().put("check", BackupSamples.check("verify", "running", "ok")))
        : Reply.json(200, BackupSamples.get(BackupSamples.summary(ID, "succeeded"))));
    BackupRun r = run("verify", ID, "--base-url", gateway.url());
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.failures().get(0).contains("does not list check " + CHECK), r.toString());
    assertEquals(BackupWatcher.MISSES, gateway.count("GET", GET_PATH));
  }
}
