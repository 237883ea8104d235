package io.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.cli.StandInGateway.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bulwark backup run}, {@code list} and {@code show} against a stand-in gateway on loopback that answers as the
 * admin API documents: the exit code, what goes to stdout and stderr, and the requests the CLI makes.
 */
class BackupRunTest {
  private static final String ID = BackupSamples.ID;
  private static final String GET_PATH = "/admin/backups/" + ID;
  private StandInGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  /** POST starts the backup; GET answers running {@code runningPolls} times, then {@code last}. */
  private String startThenFinish(int runningPolls, JsonObject last) {
    gateway = StandInGateway.start((r, n) -> {
      if (r.method().equals("POST") && r.path().equals("/admin/backups")) {
        return Reply.json(202, new JsonObject().put("backup", BackupSamples.summary(ID, "running")));
      }
      if (r.method().equals("GET") && r.path().equals(GET_PATH)) {
        return Reply.json(200, n <= runningPolls ? BackupSamples.get(BackupSamples.summary(ID, "running"))
            : BackupSamples.get(last));
      }
      return Reply.problem(404, "route.not_found", "no route");
    });
    return gateway.url();
  }

  private static BackupRun run(String... args) {
    return BackupRun.of(Map.of("BULWARK_TOKEN", BackupRun.TOKEN), args);
  }

  private static void assertNoToken(BackupRun r) {
    assertFalse((r.out() + r.err()).contains(BackupRun.TOKEN), "the token was printed: " + r);
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.toString());
  }

  @Test
  void aRunThatSucceedsIsWaitedForAndSummarised() {
    String url = startThenFinish(3, BackupSamples.summary(ID, "succeeded"));
    BackupRun r = run("run", "--base-url", url);

    assertEquals(0, r.exit(), r.toString());
    assertEquals(List.of(), r.failures(), r.toString());
    assertTrue(r.err().contains("started backup " + ID + " (request id backup-"), r.toString());
    assertTrue(r.err().contains("waiting up to 30m for it to finish"), r.toString());
    assertTrue(r.err().contains("backup " + ID + " succeeded"), r.toString());
    assertTrue(r.out().startsWith("backup        " + ID + "\nstatus        succeeded\n"), r.toString());
    assertTrue(r.out().contains("  heads       alert V1, audit V2, backup V2, gateway V3"), r.toString());
    assertNoToken(r);

    StandInGateway.Request post = gateway.requests().get(0);
    assertEquals("POST", post.method());
    assertEquals("wait=false", post.query(), "the CLI waits by polling, not by holding the POST open");
    assertEquals("Bearer " + BackupRun.TOKEN, post.authorization());
    assertTrue(post.requestId().matches("backup-[a-z0-9]{20}-run"), post.requestId());
    assertEquals(4, gateway.count("GET", GET_PATH), "polled until the status was no longer running");
  }

  @Test
  void aRunThatFailsIsExitOneWithItsReasonAndDetail() {
    String url = startThenFinish(1, BackupSamples.summary(ID, "failed"));
    BackupRun r = run("run", "--base-url", url);

    assertEquals(1, r.exit(), r.toString());
    assertEquals(List.of("bulwark backup run: backup " + ID + " failed: pg_dump-failed: pg_dump exited with 1"),
        r.failures(), r.toString());
    assertTrue(r.out().contains("failure       pg_dump-failed: pg_dump exited with 1"), r.toString());
    assertTrue(r.err().strip().endsWith("pg_dump exited with 1"), "the failure is the last line: " + r);
  }

  @Test
  void aRunAlreadyInProgressIsExitTwoAndNamesIt() {
    gateway = StandInGateway.start((r, n) -> Reply.problem(409, "backup.in_progress", "backup "
        + BackupSamples.OTHER_ID + " is running since 2026-11-23T02:00:00Z"));
    BackupRun r = run("run", "--base-url", gateway.url());

    assertEquals(2, r.exit(), r.toString());
    assertEquals(1, r.failures().size(), r.toString());
    String line = r.failures().get(0);
    assertTrue(line.contains("answered 409 backup.in_progress to POST /admin/backups?wait=false: backup "
        + BackupSamples.OTHER_ID + " is running"), line);
    assertTrue(line.endsWith("follow it with: bulwark backup show " + BackupSamples.OTHER_ID + " --base-url "
        + gateway.url()), line);
    assertEquals(1, gateway.requests().size(), "no polling after a refusal");
  }

  @Test
  void backupServiceAwayIsExitThreeAndNobodyListeningToo() {
    gateway = StandInGateway.start((r, n) -> Reply.problem(503, "backup.unavailable", "backup-service is not "
        + "reachable"));
    BackupRun away = run("run", "--base-url", gateway.url());
    assertEquals(3, away.exit(), away.toString());
    assertTrue(away.failures().get(0).contains("503 backup.unavailable to POST /admin/backups?wait=false: "
        + "backup-service is not reachable (request id rid-backup.unavailable)"), away.toString());

    int port = StandInGateway.closedPort();
    BackupRun refused = run("run", "--base-url", "http://127.0.0.1:" + port);
    assertEquals(3, refused.exit(), refused.toString());
    assertTrue(refused.failures().get(0).startsWith("bulwark backup run: cannot reach the gateway at 127.0.0.1:"
        + port + " (POST /admin/backups?wait=false"), refused.toString());
    assertTrue(refused.failures().get(0).endsWith("connection refused"), refused.toString());
    assertNoToken(refused);
  }

  @Test
  void aTimeoutIsExitThreeAndSaysTheRunGoesOnAndHowToCheckIt() {
    String url = startThenFinish(Integer.MAX_VALUE, BackupSamples.summary(ID, "succeeded"));
    long start = System.nanoTime();
    BackupRun r = run("run", "--base-url", url, "--timeout", "300ms");
    long tookMs = (System.nanoTime() - start) / 1_000_000;

    assertEquals(3, r.exit(), r.toString());
    assertEquals(List.of("bulwark backup run: stopped waiting after 300ms: backup " + ID + " is still running; it "
        + "continues server-side: check it with bulwark backup show " + ID + " --base-url " + url), r.failures());
    assertTrue(tookMs < 5_000, "gave up near the limit, not later: " + tookMs + " ms");
    assertTrue(gateway.count("GET", GET_PATH) >= 2, "it polled meanwhile");
  }

  @Test
  void aBriefOutageWhilePollingIsRiddenOutButALongOneGivesUpWithExitThree() {
    gateway = StandInGateway.start((r, n) -> {
      if (r.method().equals("POST")) {
        return Reply.json(202, new JsonObject().put("backup", BackupSamples.summary(ID, "running")));
      }
      return n <= 2 ? Reply.problem(503, "backup.unavailable", "restarting")
          : Reply.json(200, BackupSamples.get(BackupSamples.summary(ID, "succeeded")));
    });
    BackupRun brief = run("run", "--base-url", gateway.url());
    assertEquals(0, brief.exit(), brief.toString());
    assertEquals(2, brief.err().lines().filter(l -> l.startsWith("no answer while waiting (")).count(), brief.toString());
    gateway.close();

    gateway = StandInGateway.start((r, n) -> r.method().equals("POST")
        ? Reply.json(202, new JsonObject().put("backup", BackupSamples.summary(ID, "running")))
        : Reply.problem(503, "backup.unavailable", "backup-service is not reachable"));
    BackupRun lasting = run("run", "--base-url", gateway.url());
    assertEquals(3, lasting.exit(), lasting.toString());
    String line = lasting.failures().get(0);
    assertTrue(line.contains("503 backup.unavailable to GET " + GET_PATH), line);
    assertTrue(line.endsWith("gave up after " + BackupWatcher.MISSES + " polls without an answer: backup " + ID
        + " continues server-side: check it with bulwark backup show " + ID + " --base-url " + gateway.url()), line);
    assertEquals(BackupWatcher.MISSES, gateway.count("GET", GET_PATH));
  }

  @Test
  void noWaitPrintsTheStartedBackupAndDoesNotPoll() {
    String url = startThenFinish(0, BackupSamples.summary(ID, "succeeded"));
    BackupRun r = run("run", "--no-wait", "--base-url", url);
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.out().contains("status        running"), r.toString());
    assertTrue(r.err().contains("follow it with: bulwark backup show " + ID), r.toString());
    assertEquals(0, gateway.count("GET", GET_PATH));

    BackupRun json = run("run", "--no-wait", "--json", "--base-url", url);
    assertEquals("running", new JsonObject(json.out()).getJsonObject("backup").getString("status"), json.toString());
  }

  @Test
  void listPrintsATableOrTheJsonAsReceivedAndPassesItsFilters() {
    JsonObject reply = new JsonObject().put("backups", new JsonArray().add(BackupSamples.summary(ID, "succeeded")))
        .put("running", (Object) null).put("lastSuccessAt", "2026-11-23T02:16:03Z").put("lastFailureAt", (String) null);
    gateway = StandInGateway.start((r, n) -> Reply.json(200, reply));

    BackupRun table = run("list", "--status", "all", "--limit", "7", "--base-url", gateway.url());
    assertEquals(0, table.exit(), table.toString());
    assertEquals("status=all&limit=7", gateway.requests().get(0).query());
    assertTrue(table.outLines().get(0).startsWith("ID  "), table.toString());
    assertTrue(table.outLines().get(1).startsWith(ID + "  succeeded  2026-11-23 02:16Z  1.2 MiB  yes"), table.toString());
    assertEquals("", table.err(), "list is quiet on stderr when all is well");

    BackupRun json = run("list", "--json", "--base-url", gateway.url());
    assertEquals(reply.encode(), json.out().strip(), "the gateway's bytes, unchanged");
    assertEquals("status=available", gateway.requests().get(1).query());
  }

  @Test
  void showPrintsTheReportAndAnUnknownIdIsExitTwoWithAHint() {
    gateway = StandInGateway.start((r, n) -> r.path().equals(GET_PATH)
        ? Reply.json(200, BackupSamples.get(BackupSamples.summary(ID, "succeeded")))
        : Reply.problem(404, "backup.not_found", "no backup " + r.path().substring("/admin/backups/".length())));
    BackupRun shown = run("show", ID, "--base-url", gateway.url());
    assertEquals(0, shown.exit(), shown.toString());
    assertTrue(shown.out().contains("  ledger      size 1234, checkpoint size 1200"), shown.toString());

    BackupRun missing = run("show", BackupSamples.OTHER_ID, "--base-url", gateway.url());
    assertEquals(2, missing.exit(), missing.toString());
    assertEquals(List.of("bulwark backup show: the gateway at 127.0.0.1:" + gateway.url().replaceAll(".*:", "")
        + " answered 404 backup.not_found to GET /admin/backups/" + BackupSamples.OTHER_ID + ": no backup "
        + BackupSamples.OTHER_ID + " (request id rid-backup.not_found); list the backups with: bulwark backup list "
        + "--status all"), missing.failures());
  }

  @Test
  void theDefaultPaceStartsAtOneSecondAndBacksOffToFive() {
    BackupWatcher.Pacing pace = BackupWatcher.Pacing.DEFAULT;
    List<Long> millis = new java.util.ArrayList<>();
    java.time.Duration d = pace.first();
    for (int i = 0; i < 7; i++) {
      millis.add(d.toMillis());
      d = pace.after(d);
    }
    assertEquals(List.of(1000L, 1500L, 2250L, 3375L, 5000L, 5000L, 5000L), millis);
  }

  @Test
  void anAnswerThatIsNotJsonIsExitOne() {
    gateway = StandInGateway.start((r, n) -> new Reply(200, "text/html", "<html>login</html>"));
    BackupRun r = run("show", ID, "--base-url", gateway.url());
    assertEquals(1, r.exit(), r.toString());
    assertTrue(r.failures().get(0).contains("with something that is not a JSON object"), r.toString());
  }
}
