package io.bulwark.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bulwark.shared.lifecycle.BulwarkService;
import io.bulwark.shared.test.MigrationScripts;
import org.junit.jupiter.api.Test;

/** Adding a migration without raising the compiled head (or the reverse) fails here, not at start-up. */
class MigrationHeadTest {

  @Test
  void compiledHeadIsTheHighestShippedMigration() {
    BulwarkService service = GatewayService.DEFINITION;
    assertEquals(MigrationScripts.highestVersion(service.schema()), GatewayService.MIGRATION_HEAD);
    assertEquals(GatewayService.MIGRATION_HEAD, service.migrationHead());
  }
}
