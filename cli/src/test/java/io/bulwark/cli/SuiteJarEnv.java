package io.bulwark.cli;

import io.bulwark.shared.test.ChildJvm;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
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

  /**
   * Waits until every service has started (the suite prints "Bulwark is up" once the last one has) and each reports
   * ready. A test that only waits for the gateway can go on while later services still start, and a database that
   * goes away then fails the whole start-up.
   */
  static void awaitStarted(ChildJvm suite, Map<String, String> env) {
    suite.awaitOutput("Bulwark is up", Duration.ofSeconds(90));
    for (String s : List.of("GATEWAY", "AUDIT", "BACKUP", "ALERT")) {
      String url = "http://127.0.0.1:" + env.get(s + "_MANAGEMENT_PORT") + "/ready";
      HttpResponse<String> r = Http.await(url, Duration.ofSeconds(30), a -> a.statusCode() == 200);
      if (r == null || r.statusCode() != 200) {
        throw new AssertionError(s.toLowerCase() + " not ready: " + (r == null ? "no answer" : r.body()) + "\n" + suite.output());
      }
    }
  }
}
