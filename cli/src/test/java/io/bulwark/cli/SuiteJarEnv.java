package io.bulwark.cli;

import io.bulwark.shared.test.TestPostgres;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The environment the CLI tests run the suite jar with: a database, an admin key, free ports, fast checkpoints. */
final class SuiteJarEnv {
  static final Path SUITE_JAR = Path.of("../suite/target/bulwark-suite.jar");

  private SuiteJarEnv() {}

  static Map<String, String> of(String databaseUrl, String adminKey, Path dataDir) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", databaseUrl);
    env.put("BULWARK_ENV", "test");
    env.put("BULWARK_ADMIN_KEYS", adminKey);
    env.put("BULWARK_DATA_DIR", dataDir.toString());
    env.put("BULWARK_AUDIT_CHECKPOINT_INTERVAL", "200ms");
    env.put("GATEWAY_HTTP_PORT", Integer.toString(TestPostgres.freePort()));
    for (String s : List.of("GATEWAY", "AUDIT", "BACKUP", "ALERT")) {
      env.put(s + "_MANAGEMENT_PORT", Integer.toString(TestPostgres.freePort()));
    }
    return env;
  }

  static String gateway(Map<String, String> env) {
    return "http://127.0.0.1:" + env.get("GATEWAY_HTTP_PORT");
  }
}
