package io.bulwark.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bulwark.shared.lifecycle.BulwarkService;
import io.bulwark.shared.test.MigrationScripts;
import org.junit.jupiter.api.Test;

/** Adding a migration without raising the compiled head (or the reverse) fails here, not at start-up. */
class MigrationHeadTest {

  @Test
  void compiledHeadIsTheHighestShippedMigration() {
    BulwarkService service = AuditService.DEFINITION;
    assertEquals(MigrationScripts.highestVersion(service.schema()), AuditService.MIGRATION_HEAD);
    assertEquals(AuditService.MIGRATION_HEAD, service.migrationHead());
  }
}
