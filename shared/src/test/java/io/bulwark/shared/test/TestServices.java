package io.bulwark.shared.test;

import io.bulwark.shared.config.ConfigLoader;
import io.bulwark.shared.lifecycle.Bulwark;
import io.bulwark.shared.lifecycle.BulwarkService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts services in this JVM for a test: any free ports, the given database, quick readiness and shutdown. */
public final class TestServices {
  private TestServices() {}

  /** Environment for in-process services: free ports (0), fast readiness, no drain delay. */
  public static Map<String, String> env(String databaseUrl, List<BulwarkService> services) {
    Map<String, String> env = new HashMap<>();
    env.put("DATABASE_URL", databaseUrl);
    env.put("BULWARK_ENV", "test");
    env.put("BULWARK_READINESS_INTERVAL_MS", "200");
    env.put("BULWARK_READINESS_TIMEOUT_MS", "1000");
    env.put("BULWARK_SHUTDOWN_DRAIN_MS", "0");
    // generated development keys and archives go to a scratch directory, never into the module's working directory
    try {
      Path data = Files.createTempDirectory("bulwark-it-");
      // keys, archives and backups the services wrote go when the test JVM ends
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(data)));
      env.put("BULWARK_DATA_DIR", data.toString());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("no temporary directory for the services' data: " + e.getMessage(), e);
    }
    for (BulwarkService s : services) {
      String p = s.name().toUpperCase(java.util.Locale.ROOT) + "_";
      env.put(p + "MANAGEMENT_PORT", "0");
      env.put(p + "HTTP_PORT", "0");
    }
    return env;
  }

  /** Best effort: a test's scratch folder and everything in it. */
  public static void deleteTree(Path root) {
    try (java.util.stream.Stream<Path> all = Files.walk(root)) {
      all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException | RuntimeException e) {
      // nothing to keep: a leftover temp folder is not worth failing a test run over
    }
  }

  public static Bulwark start(List<BulwarkService> services, Map<String, String> env) {
    try {
      return Bulwark.start(services, new HashMap<>(env), ConfigLoader.Mode.SUITE)
          .toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("services did not start: " + e.getMessage(), e);
    }
  }

  public static void stop(Bulwark running) {
    if (running == null) {
      return;
    }
    try {
      running.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("services did not stop: " + e.getMessage(), e);
    }
  }

  /** The management port a running service bound. */
  public static int managementPort(Bulwark running, String service) {
    return running.runner(service).context().ports().management();
  }

  public static int httpPort(Bulwark running, String service) {
    return running.runner(service).context().ports().http();
  }
}
