package io.bulwark.shared.db;

import io.bulwark.shared.config.DatabaseUrl;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Migrates one service's schema with Flyway from {@code db/migration/<schema>} and insists the result is the head this
 * build expects. A database that is already ahead (a newer build ran against it) is refused rather than run against.
 * Blocking: call from a worker thread.
 */
public final class Migrations {
  private Migrations() {}

  /** Migrates and returns the head, e.g. {@code V1}. */
  public static String migrate(DatabaseUrl url, String schema, int expectedHead) {
    Flyway flyway = Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(url.jdbcUrl(), url.user(), url.password())
        .schemas(schema)
        .defaultSchema(schema)
        .createSchemas(true)
        .locations("classpath:db/migration/" + schema)
        .validateMigrationNaming(true)
        .failOnMissingLocations(true)
        .connectRetries(0)
        .load();
    MigrationVersion applied = highestApplied(flyway);
    if (applied != null && applied.compareTo(MigrationVersion.fromVersion(Integer.toString(expectedHead))) > 0) {
      throw new MigrationHeadMismatchException(schema, expectedHead, "V" + applied.getVersion());
    }
    flyway.migrate();
    MigrationVersion now = highestApplied(flyway);
    String actual = now == null ? "no migration" : "V" + now.getVersion();
    if (!("V" + expectedHead).equals(actual)) {
      throw new MigrationHeadMismatchException(schema, expectedHead, actual);
    }
    return actual;
  }

  private static MigrationVersion highestApplied(Flyway flyway) {
    MigrationVersion max = null;
    for (MigrationInfo info : flyway.info().applied()) {
      if (info.getVersion() != null && info.getState().isApplied() && (max == null || info.getVersion().compareTo(max) > 0)) {
        max = info.getVersion();
      }
    }
    return max;
  }
}
