package io.bulwark.suite;

import io.bulwark.alert.AlertService;
import io.bulwark.audit.AuditService;
import io.bulwark.backup.BackupService;
import io.bulwark.gateway.GatewayService;
import io.bulwark.shared.config.ConfigLoader;
import io.bulwark.shared.lifecycle.Bulwark;
import io.bulwark.shared.lifecycle.BulwarkService;
import io.bulwark.shared.lifecycle.FirstRun;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All four services in one JVM on the local event bus. Without {@code DATABASE_URL} it runs an embedded PostgreSQL whose
 * data lives in {@code ./.bulwark/} (or {@code BULWARK_DATA_DIR}) and survives restarts.
 */
public final class SuiteApplication {
  private static final Logger LOG = LoggerFactory.getLogger(SuiteApplication.class);

  private SuiteApplication() {}

  /** The services in start order; shutdown follows the same order so the gateway stops taking work first. */
  public static List<BulwarkService> services() {
    return List.of(GatewayService.DEFINITION, AuditService.DEFINITION, BackupService.DEFINITION, AlertService.DEFINITION);
  }

  public static void main(String[] args) {
    System.setProperty("bulwark.service", "suite");
    io.bulwark.shared.log.LogContext.setProcessService("suite");
    Map<String, String> env = new HashMap<>(System.getenv());
    if (isBlank(env.get("DATABASE_URL"))) {
      Path dataDir = Path.of(env.getOrDefault("BULWARK_DATA_DIR", ".bulwark")).toAbsolutePath();
      try {
        EmbeddedDatabase db = EmbeddedDatabase.start(dataDir);
        Runtime.getRuntime().addShutdownHook(new Thread(db::close, "embedded-postgres-stop"));
        env.put("DATABASE_URL", db.url().toUrl());
      } catch (RuntimeException e) {
        LOG.error("start-up failed: embedded PostgreSQL in {} did not start: {}", dataDir, e.getMessage());
        System.exit(1);
      }
    }
    Bulwark.runProcess(services(), ConfigLoader.Mode.SUITE, env, FirstRun::printNotices);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
