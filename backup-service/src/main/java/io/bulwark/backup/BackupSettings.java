package io.bulwark.backup;

import io.bulwark.backup.crypto.BackupKey;
import io.bulwark.backup.retention.RetentionPolicy;
import io.bulwark.shared.config.ConfigException;
import io.bulwark.shared.config.DatabaseUrl;
import io.bulwark.shared.config.ServiceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** backup-service settings, validated once at start-up; a bad value stops the service with the key's name. */
public record BackupSettings(DatabaseUrl source, Path storageDir, Path pgBinDir, BackupKey key, Map<String, BackupKey> keys,
                             String schedule, String drillSchedule, ZoneId zone, Duration runTimeout, Duration checkTimeout,
                             Duration lockWaitTimeout, RetentionPolicy retention, long minFreeBytes, boolean verifyAfterRun,
                             List<String> schemas) {
  /** The service schemas whose migration heads and row counts a manifest records. */
  public static final List<String> SERVICE_SCHEMAS = List.of("audit", "backup", "gateway", "alert");

  public static BackupSettings from(ServiceConfig c) {
    String sourceRaw = c.string("BULWARK_BACKUP_SOURCE_URL", null);
    DatabaseUrl source = sourceRaw == null ? c.databaseUrl() : DatabaseUrl.parse("BULWARK_BACKUP_SOURCE_URL", sourceRaw);
    Path dataDir = Path.of(c.string("BULWARK_DATA_DIR", ".bulwark"));
    Path storage = Path.of(c.string("BULWARK_BACKUP_DIR", dataDir.resolve("backups").toString()));
    String bin = c.string("BULWARK_PG_BIN_DIR", null);
    BackupKey key = key(c, "BULWARK_BACKUP_KEY", c.string("BULWARK_BACKUP_KEY", null));
    Map<String, BackupKey> keys = new LinkedHashMap<>();
    if (key != null) {
      keys.put(key.keyId(), key);
    }
    String previous = c.string("BULWARK_BACKUP_PREVIOUS_KEYS", null);
    if (previous != null) {
      for (String k : previous.split(",")) {
        if (!k.isBlank()) {
          BackupKey old = key(c, "BULWARK_BACKUP_PREVIOUS_KEYS", k.trim());
          keys.putIfAbsent(old.keyId(), old);
        }
      }
    }
    String schedule = cron(c, "BULWARK_BACKUP_SCHEDULE", "0 2 * * *");
    String drill = cron(c, "BULWARK_BACKUP_DRILL_SCHEDULE", "0 4 * * 0");
    ZoneId zone;
    try {
      zone = ZoneId.of(c.string("BULWARK_BACKUP_TIMEZONE", "UTC"));
    } catch (RuntimeException e) {
      throw new ConfigException("BULWARK_BACKUP_TIMEZONE", "must be a time zone such as UTC or Europe/Berlin");
    }
    RetentionPolicy retention;
    try {
      retention = new RetentionPolicy(c.intRange("BULWARK_BACKUP_KEEP_LAST", 7, 1, 10_000),
          c.intRange("BULWARK_BACKUP_KEEP_DAILY", 7, 0, 10_000), c.intRange("BULWARK_BACKUP_KEEP_WEEKLY", 4, 0, 10_000),
          c.intRange("BULWARK_BACKUP_KEEP_MONTHLY", 12, 0, 10_000));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("BULWARK_BACKUP_KEEP_LAST", e.getMessage());
    }
    return new BackupSettings(source, storage, bin == null ? null : Path.of(bin), key, Map.copyOf(keys), schedule, drill, zone,
        c.duration("BULWARK_BACKUP_TIMEOUT", "2h", Duration.ofSeconds(1), Duration.ofDays(2)),
        c.duration("BULWARK_BACKUP_CHECK_TIMEOUT", "4h", Duration.ofSeconds(1), Duration.ofDays(2)),
        c.duration("BULWARK_BACKUP_LOCK_WAIT_TIMEOUT", "60s", Duration.ofSeconds(1), Duration.ofHours(1)),
        retention, c.intRange("BULWARK_BACKUP_MIN_FREE_MB", 1024, 0, Integer.MAX_VALUE) * 1024L * 1024L,
        c.bool("BULWARK_BACKUP_VERIFY_AFTER_RUN", true), SERVICE_SCHEMAS);
  }

  /** The key new backups are encrypted with, or null when backups are stored unencrypted. */
  public BackupKey key() {
    return key;
  }

  private static BackupKey key(ServiceConfig c, String name, String raw) {
    if (raw == null) {
      return null;
    }
    try {
      return BackupKey.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, "must be 32 random bytes in base64 (make one with: openssl rand -base64 32)");
    }
  }

  /** A five-field cron expression (minute hour day-of-month month day-of-week), or {@code off}. */
  private static String cron(ServiceConfig c, String name, String fallback) {
    String text = c.string(name, fallback);
    if ("off".equalsIgnoreCase(text)) {
      return null;
    }
    List<String> problems = new ArrayList<>();
    BackupSchedule.validate(text, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(name, "must be a cron expression such as '0 2 * * *' or 'off': " + String.join("; ", problems));
    }
    return text;
  }
}
