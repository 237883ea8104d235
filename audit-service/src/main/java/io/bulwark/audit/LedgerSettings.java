package io.bulwark.audit;

import io.bulwark.shared.config.ConfigException;
import io.bulwark.shared.config.ServiceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/** audit-service settings, validated once at start-up. */
public record LedgerSettings(String origin, Duration checkpointInterval, int maxBatch, Duration hotRetention,
                             Duration archiveRetention, Path archiveDir, Duration retentionInterval, int segmentMaxEntries,
                             Duration verifyInterval, Path dataDir, String signingKey, Duration electionInterval) {
  private static final Pattern ORIGIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:-]{0,199}");
  private static final Duration TEN_YEARS = Duration.ofDays(3653);

  public static LedgerSettings from(ServiceConfig c) {
    String origin = c.string("BULWARK_AUDIT_ORIGIN", "bulwark.local/audit");
    if (!ORIGIN.matcher(origin).matches() || origin.contains("+")) {
      throw new ConfigException("BULWARK_AUDIT_ORIGIN", "must be a log name such as example.com/audit (letters, digits, . _ / : -)");
    }
    Duration archive = duration(c, "BULWARK_AUDIT_ARCHIVE_RETENTION", "365d", Duration.ofSeconds(1), TEN_YEARS);
    Duration hot = duration(c, "BULWARK_AUDIT_HOT_RETENTION", "90d", Duration.ofSeconds(1), TEN_YEARS);
    Path dataDir = Path.of(c.string("BULWARK_DATA_DIR", ".bulwark"));
    return new LedgerSettings(origin,
        duration(c, "BULWARK_AUDIT_CHECKPOINT_INTERVAL", "1s", Duration.ofMillis(50), Duration.ofHours(1)),
        c.intRange("BULWARK_AUDIT_MAX_BATCH", 1000, 1, 10_000),
        hot, archive,
        Path.of(c.string("BULWARK_AUDIT_ARCHIVE_DIR", dataDir.resolve("archive").toString())),
        duration(c, "BULWARK_AUDIT_RETENTION_INTERVAL", "10m", Duration.ofMillis(100), Duration.ofDays(1)),
        c.intRange("BULWARK_AUDIT_SEGMENT_MAX_ENTRIES", 100_000, 256, 10_000_000),
        duration(c, "BULWARK_AUDIT_VERIFY_INTERVAL", "6h", Duration.ofSeconds(1), Duration.ofDays(7)),
        dataDir,
        c.string("BULWARK_SIGNING_KEY", null),
        duration(c, "BULWARK_AUDIT_ELECTION_INTERVAL", "1s", Duration.ofMillis(50), Duration.ofMinutes(1)));
  }

  static Duration duration(ServiceConfig c, String key, String fallback, Duration min, Duration max) {
    return c.duration(key, fallback, min, max);
  }
}
