package io.bulwark.shared.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The helper behind every module's MigrationHeadTest reads the probe schema's scripts from the classpath. */
class MigrationScriptsTest {

  @Test
  void findsTheProbeScripts() {
    assertTrue(MigrationScripts.fileNames("probe").contains("V1__probe.sql"), MigrationScripts.fileNames("probe").toString());
    assertEquals(1, MigrationScripts.highestVersion("probe"));
  }

  @Test
  void aMissingSchemaDirectoryFails() {
    AssertionError e = assertThrows(AssertionError.class, () -> MigrationScripts.highestVersion("no_such_schema"));
    assertTrue(e.getMessage().contains("db/migration/no_such_schema"), e.getMessage());
  }
}
