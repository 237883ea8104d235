package io.bulwark.gateway.compliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.gateway.backup.BackupRequests;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the compliance report and evidence packs show of backup-service's status, on a real event bus: the operator's
 * view as answered, a tenant's without admin fingerprints, failure texts or row counts, and backup-service's silence as
 * a reported fact rather than a failure.
 */
class BackupSectionTest {
  /** A {@code bulwark.backup.status} reply in the contract's shape. */
  static final JsonObject STATUS = new JsonObject("""
      {"v":1,
       "lastBackup":{"id":"b-20261123T021500Z-3f9a","status":"succeeded","trigger":"manual","actor":"admin:ab12cd34",
         "requestId":"rid-1","startedAt":"2026-11-23T02:15:00Z","finishedAt":"2026-11-23T02:15:09Z","durationMs":9000,
         "bytes":123456,"sha256":"00ff","encrypted":true,"keyId":"k-0123456789abcdef","failure":null,
         "verification":{"status":"passed","at":"2026-11-23T02:16:00Z","reason":"ok","checkId":"c-20261123T021600Z-0a0b"},
         "lastDrill":null,"pruned":false},
       "lastAttempt":null,"lastSuccessAt":"2026-11-23T02:15:09Z","lastFailureAt":null,"failing":false,
       "lastVerification":{"id":"c-20261123T021600Z-0a0b","kind":"verify","backupId":"b-20261123T021500Z-3f9a",
         "status":"passed","reason":"ok","detail":"host db.internal","actor":"admin:ab12cd34","requestId":"rid-2",
         "startedAt":"2026-11-23T02:16:00Z","finishedAt":"2026-11-23T02:16:01Z","durationMs":1000,
         "result":{"rowCounts":{"gateway.tenants":3}}},
       "lastDrill":null,
       "latestManifest":{"format":"bulwark-backup-manifest/v1","id":"b-20261123T021500Z-3f9a","rowCounts":{"gateway.tenants":3}},
       "storage":{"kind":"local","freeBytes":1,"totalBytes":2,"floorBytes":0},
       "schedule":{"backup":"off","drill":"off","nextBackupAt":null,"nextDrillAt":null},
       "available":1}
      """);
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private BackupSection read(long timeoutMs) throws Exception {
    return BackupSection.read(new BackupRequests(vertx.eventBus(), timeoutMs, timeoutMs))
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private void answerStatusWith(JsonObject reply) throws Exception {
    vertx.eventBus().<JsonObject>consumer(Addresses.BACKUP_STATUS, m -> m.reply(reply.copy())).completion()
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void operatorsSeeTheStatusAsBackupServiceGaveIt() throws Exception {
    answerStatusWith(STATUS);
    JsonObject section = read(1000).forReport(true);
    assertEquals("reported", section.getString("status"));
    assertEquals(STATUS.getJsonObject("lastBackup"), section.getJsonObject("lastBackup"));
    assertEquals(STATUS.getJsonObject("lastVerification"), section.getJsonObject("lastVerification"));
    assertEquals(1, section.getInteger("available"));
    assertFalse(section.getBoolean("failing"));
    assertFalse(section.containsKey("latestManifest") || section.containsKey("storage"), "the contract's report fields only");
  }

  @Test
  void aTenantSeesOutcomesButNoAdminFingerprintsFailureTextsOrRowCounts() throws Exception {
    answerStatusWith(STATUS);
    JsonObject section = read(1000).forReport(false);
    String text = section.encode();
    for (String hidden : new String[] {"admin:ab12cd34", "rid-1", "rid-2", "db.internal", "gateway.tenants", "k-0123456789abcdef"}) {
      assertFalse(text.contains(hidden), hidden + " in " + text);
    }
    JsonObject last = section.getJsonObject("lastBackup");
    assertEquals("b-20261123T021500Z-3f9a", last.getString("id"));
    assertEquals("succeeded", last.getString("status"));
    assertTrue(last.getBoolean("encrypted"));
    assertEquals("passed", last.getJsonObject("verification").getString("status"));
    assertEquals("ok", section.getJsonObject("lastVerification").getString("reason"));
    assertEquals("2026-11-23T02:15:09Z", section.getString("lastSuccessAt"));
    assertNull(section.getValue("lastDrill"));
  }

  @Test
  void aFailedBackupShowsATenantItsReasonOnly() throws Exception {
    JsonObject failing = STATUS.copy().put("failing", true);
    failing.getJsonObject("lastBackup").put("status", "failed")
        .put("failure", new JsonObject().put("reason", "pg_dump-failed").put("detail", "could not connect to db.internal"));
    answerStatusWith(failing);
    JsonObject section = read(1000).forReport(false);
    assertTrue(section.getBoolean("failing"));
    assertEquals(new JsonObject().put("reason", "pg_dump-failed"), section.getJsonObject("lastBackup").getJsonObject("failure"));
  }

  @Test
  void thePackGetsTheLatestManifest() throws Exception {
    answerStatusWith(STATUS);
    BackupSection present = read(1000);
    assertEquals(STATUS.getJsonObject("latestManifest"), present.manifest());
    assertNull(present.manifestNote());
  }

  @Test
  void withoutASuccessfulBackupThePackNotesWhyItHasNoManifest() throws Exception {
    answerStatusWith(STATUS.copy().putNull("latestManifest").putNull("lastBackup").put("available", 0));
    BackupSection none = read(1000);
    assertNull(none.manifest());
    assertTrue(none.manifestNote().contains("no successful backup"), none.manifestNote());
    assertNull(none.forReport(false).getValue("lastBackup"));
  }

  @Test
  void noBackupServiceIsReportedNotFailed() throws Exception {
    BackupSection absent = read(1000);
    JsonObject section = absent.forReport(true);
    assertEquals("unavailable", section.getString("status"));
    assertTrue(section.getString("detail").contains("backup-service is not reachable"), section.encode());
    assertNull(absent.manifest());
    assertTrue(absent.manifestNote().contains("did not answer"), absent.manifestNote());
  }

  @Test
  void aSilentBackupServiceIsUnavailableAfterTheTimeoutAndItsWorkMayStillBeRunning() throws Exception {
    vertx.eventBus().<JsonObject>consumer(Addresses.BACKUP_STATUS, m -> { }).completion()
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    vertx.eventBus().<JsonObject>consumer(Addresses.BACKUP_RUN, m -> { }).completion()
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    long start = System.nanoTime();
    assertEquals("unavailable", read(200).forReport(false).getString("status"));
    assertTrue(System.nanoTime() - start < 3_000_000_000L);

    BackupRequests requests = new BackupRequests(vertx.eventBus(), 200, 300);
    Throwable err = requests.run(new BackupRequests.Requester("admin:ab12", "rid-3"), true).toCompletionStage()
        .toCompletableFuture().handle((r, e) -> e).get(5, TimeUnit.SECONDS);
    BackupRequests.Unfinished unfinished = assertInstanceOf(BackupRequests.Unfinished.class, err.getCause() == null ? err : err.getCause());
    assertEquals(503, unfinished.status());
    assertEquals(ErrorCodes.BACKUP_UNAVAILABLE, unfinished.code());
    assertTrue(unfinished.detail().contains("BULWARK_BACKUP_WAIT_TIMEOUT_MS"), unfinished.detail());
  }
}
