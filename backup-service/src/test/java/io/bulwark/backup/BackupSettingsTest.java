package io.bulwark.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.backup.crypto.BackupKey;
import io.bulwark.shared.config.ConfigException;
import io.bulwark.shared.config.ServiceConfig;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** backup-service settings: defaults an operator can rely on, and every bad value refused with its key named. */
class BackupSettingsTest {
  private static ServiceConfig config(JsonObject extra) {
    return ServiceConfig.of("backup", new JsonObject().put("MANAGEMENT_PORT", 0)
        .put("DATABASE_URL", "postgres://svc:pw@127.0.0.1:5432/bulwark").put("BULWARK_DATA_DIR", "/var/lib/bulwark").mergeIn(extra));
  }

  @Test
  void defaultsAreDailyBackupsWeeklyDrillsAndGfsRetention() {
    BackupSettings s = BackupSettings.from(config(new JsonObject()));
    assertEquals("0 2 * * *", s.schedule());
    assertEquals("0 4 * * 0", s.drillSchedule());
    assertEquals("bulwark", s.source().database(), "the service's own database is backed up by default");
    assertEquals("/var/lib/bulwark/backups", s.storageDir().toString());
    assertNull(s.key());
    assertEquals(7, s.retention().keepLast());
    assertEquals(12, s.retention().keepMonthly());
    assertEquals(Duration.ofHours(2), s.runTimeout());
    assertEquals(1024L * 1024 * 1024, s.minFreeBytes());
    assertTrue(s.verifyAfterRun());
  }

  @Test
  void keysDecryptOldBackupsAndEncryptWithTheCurrentOne() {
    BackupKey current = BackupKey.generate();
    BackupKey old = BackupKey.generate();
    BackupSettings s = BackupSettings.from(config(new JsonObject().put("BULWARK_BACKUP_KEY", current.encoded())
        .put("BULWARK_BACKUP_PREVIOUS_KEYS", old.encoded())));
    assertEquals(current.keyId(), s.key().keyId());
    assertEquals(2, s.keys().size());
    assertTrue(s.keys().containsKey(old.keyId()));
  }

  @Test
  void offTurnsASchedulePartOff() {
    BackupSettings s = BackupSettings.from(config(new JsonObject().put("BULWARK_BACKUP_SCHEDULE", "off")
        .put("BULWARK_BACKUP_DRILL_SCHEDULE", "OFF")));
    assertNull(s.schedule());
    assertNull(s.drillSchedule());
  }

  @Test
  void badValuesNameTheirKeyAndNeverEchoAKey() {
    String[][] bad = {
        {"BULWARK_BACKUP_SCHEDULE", "every day"},
        {"BULWARK_BACKUP_SCHEDULE", "0 2 * *"},
        {"BULWARK_BACKUP_DRILL_SCHEDULE", "61 * * * *"},
        {"BULWARK_BACKUP_KEY", "c2hvcnQta2V5"},
        {"BULWARK_BACKUP_PREVIOUS_KEYS", "bm90LWEta2V5"},
        {"BULWARK_BACKUP_TIMEOUT", "forever"},
        {"BULWARK_BACKUP_KEEP_LAST", "0"},
        {"BULWARK_BACKUP_KEEP_DAILY", "-1"},
        {"BULWARK_BACKUP_MIN_FREE_MB", "lots"},
        {"BULWARK_BACKUP_TIMEZONE", "Mars/Olympus"},
        {"BULWARK_BACKUP_SOURCE_URL", "mysql://x/y"},
    };
    for (String[] b : bad) {
      ConfigException e = assertThrows(ConfigException.class, () -> BackupSettings.from(config(new JsonObject().put(b[0], b[1]))),
          b[0] + "=" + b[1]);
      assertTrue(e.getMessage().contains(b[0]), e.getMessage());
      if (b[0].contains("KEY")) {
        assertFalse(e.getMessage().contains(b[1]), "the key's text is not echoed: " + e.getMessage());
      }
    }
  }

  @Test
  void schedulesFireAtTheirCronTimesInTheirZone() {
    ZonedDateTime from = ZonedDateTime.of(2026, 11, 23, 1, 30, 0, 0, ZoneOffset.UTC);
    assertEquals(ZonedDateTime.of(2026, 11, 23, 2, 0, 0, 0, ZoneOffset.UTC), BackupSchedule.next("0 2 * * *", from).orElseThrow());
    // 2026-11-23 is a Monday: the weekly drill comes on Sunday the 29th
    assertEquals(ZonedDateTime.of(2026, 11, 29, 4, 0, 0, 0, ZoneOffset.UTC), BackupSchedule.next("0 4 * * 0", from).orElseThrow());
  }
}
