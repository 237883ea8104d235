package io.bulwark.shared.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.ProbeService;
import io.bulwark.shared.test.TestPostgres;
import io.bulwark.shared.test.TestServices;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Start-up refuses a database whose migration head is not the one compiled into the service. */
class MigrationHeadIT {
  private TestPostgres db;

  @BeforeEach
  void createDatabase() {
    db = TestPostgres.create("migration_head");
  }

  @AfterEach
  void dropDatabase() {
    db.close();
  }

  @Test
  void migratesAFreshDatabaseToTheHead() {
    var services = List.of(ProbeService.expectingHead(1));
    Bulwark running = TestServices.start(services, TestServices.env(db.databaseUrl(), services));
    try {
      assertEquals("V1", running.runner("probe").migrationHead());
    } finally {
      TestServices.stop(running);
    }
  }

  @Test
  void refusesADatabaseAheadOfTheBuild() throws Exception {
    var services = List.of(ProbeService.expectingHead(1));
    TestServices.stop(TestServices.start(services, TestServices.env(db.databaseUrl(), services)));
    try (Connection c = db.jdbc(); Statement s = c.createStatement()) {
      // what a newer build's migration would have left behind
      s.execute("INSERT INTO probe.flyway_schema_history (installed_rank, version, description, type, script, checksum,"
          + " installed_by, execution_time, success) VALUES (2, '2', 'newer', 'SQL', 'V2__newer.sql', 0, 'test', 1, true)");
    }
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TestServices.start(services, TestServices.env(db.databaseUrl(), services)));
    assertMessage(e, "migration head mismatch: expected V1, database at V2");
  }

  @Test
  void refusesABuildThatExpectsAMigrationItDoesNotShip() {
    var services = List.of(ProbeService.expectingHead(2));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TestServices.start(services, TestServices.env(db.databaseUrl(), services)));
    assertMessage(e, "migration head mismatch: expected V2, database at V1");
  }

  @Test
  void startupFailureIsOneLine() {
    Throwable t = new RuntimeException("first line\n-----\nSQL State: 3D000");
    assertEquals("first line", Bulwark.firstLine(t));
  }

  private static void assertMessage(Throwable e, String expected) {
    Throwable c = e;
    while (c != null && (c.getMessage() == null || !c.getMessage().contains(expected))) {
      c = c.getCause();
    }
    assertTrue(c != null, "expected '" + expected + "' in " + e);
  }
}
