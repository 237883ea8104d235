package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.ChildJvm;
import io.bulwark.shared.test.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service that cannot start says why in one log line and exits non-zero, without a stack trace. */
class StartupFailureIT {
  private static final Path GATEWAY = Path.of("../gateway/target/bulwark-gateway.jar");
  private static TestPostgres db;

  @TempDir
  Path tmp;

  @BeforeAll
  static void createDatabase() {
    db = TestPostgres.create("startup_failure");
  }

  @AfterAll
  static void dropDatabase() {
    db.close();
  }

  private JsonObject failure(Map<String, String> env, int expectedExit) {
    try (ChildJvm child = ChildJvm.start(GATEWAY, env, tmp.resolve("gateway-" + System.nanoTime() + ".log"))) {
      try {
        assertTrue(child.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "gateway did not exit");
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      String out = child.output();
      assertEquals(expectedExit, child.process().exitValue(), out);
      assertFalse(out.contains("\tat "), "stack trace printed:\n" + out);
      JsonObject line = out.lines().filter(l -> l.startsWith("{")).map(JsonObject::new)
          .filter(j -> "startup_failed".equals(j.getString("event"))).findFirst()
          .orElseThrow(() -> new AssertionError("no startup_failed line:\n" + out));
      assertEquals("ERROR", line.getString("level"));
      assertFalse(line.getString("message").contains("\n"), "multi-line message: " + line.getString("message"));
      return line;
    }
  }

  @Test
  void invalidPortNamesTheKey() {
    JsonObject line = failure(Map.of("DATABASE_URL", db.databaseUrl(), "MANAGEMENT_PORT", "abc", "HTTP_PORT", "0"), 2);
    assertTrue(line.getString("message").contains("invalid configuration: MANAGEMENT_PORT must be a whole number"), line.encode());
  }

  @Test
  void malformedDatabaseUrlNamesTheKeyWithoutItsPassword() {
    JsonObject line = failure(Map.of("DATABASE_URL", "mysql://root:s3cr3t-pw@db/x", "MANAGEMENT_PORT", "0", "HTTP_PORT", "0"), 2);
    assertTrue(line.getString("message").contains("DATABASE_URL must start with postgres://"), line.encode());
    assertFalse(line.encode().contains("s3cr3t-pw"));
  }

  @Test
  void productionWithoutAdminKeysRefusesToStart() {
    JsonObject line = failure(Map.of("DATABASE_URL", db.databaseUrl(), "MANAGEMENT_PORT", "0", "HTTP_PORT", "0",
        "BULWARK_ENV", "production"), 2);
    assertTrue(line.getString("message").contains("BULWARK_ADMIN_KEYS is required when BULWARK_ENV=production"), line.encode());
  }

  @Test
  void unreachableDatabaseIsOneClearLine() {
    int closed = TestPostgres.freePort();
    JsonObject line = failure(Map.of("DATABASE_URL", "postgres://postgres:pw-never-logged@127.0.0.1:" + closed + "/bulwark",
        "MANAGEMENT_PORT", "0", "HTTP_PORT", "0"), 1);
    assertTrue(line.getString("message").contains("127.0.0.1:" + closed), line.encode());
    assertFalse(line.encode().contains("pw-never-logged"));
  }
}
