package io.bulwark.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bulwark.shared.lifecycle.BulwarkService;
import io.bulwark.shared.test.MigrationScripts;
import org.junit.jupiter.api.Test;

/** Adding a migration without raising the compiled head (or the reverse) fails here, not at start-up. */
class MigrationHeadTest {

  @Test
  void compiledHeadIsTheHighestShippedMigration() {
    BulwarkService service = BackupService.DEFINITION;
    assertEquals(MigrationScripts.highestVersion(service.schema()), BackupService.MIGRATION_HEAD);
    assertEquals(BackupService.MIGRATION_HEAD, service.migrationHead());
  }
}
