package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.ExternalTool;
import io.bulwark.shared.test.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (the Debian binary) with deploy/prometheus/rules loaded scrapes a running suite and names
 * alert-service's management port as its Alertmanager. A fresh suite has never backed up, so our BackupStale rule
 * fires in Prometheus, and the alert arrives through {@code POST /api/v2/alerts} as an external alert that an operator
 * sees in the gateway's {@code GET /alerts} with Prometheus' labels, annotations and generator URL.
 */
class PrometheusToBulwarkIT {
  private static final Path RULES = Path.of("../deploy/prometheus/rules").toAbsolutePath().normalize();

  @TempDir
  Path tmp;

  @Test
  void prometheusSendsOurRulesAlertsToAlertService() throws Exception {
    Path prometheus = ExternalTool.require("prometheus", "prometheus");
    try (SuiteHarness suite = new SuiteHarness("prometheus_to_bulwark")) {
      StringBuilder config = new StringBuilder("global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\n")
          .append("  evaluation_interval: 1s\nrule_files:\n  - ").append(RULES).append("/*.yml\n")
          .append("alerting:\n  alertmanagers:\n    - api_version: v2\n      static_configs:\n        - targets: ['")
          .append(hostPort(suite.management("alert"))).append("']\nscrape_configs:\n");
      for (String service : new String[] {"gateway", "audit", "backup", "alert"}) {
        config.append("  - job_name: bulwark-").append(service).append('\n')
            .append("    static_configs:\n      - targets: ['").append(hostPort(suite.management(service)))
            .append("']\n        labels:\n          service: ").append(service).append('\n');
      }
      Path configFile = tmp.resolve("prometheus.yml");
      Files.writeString(configFile, config);
      Process p = new ProcessBuilder(prometheus.toString(), "--config.file=" + configFile,
          "--storage.tsdb.path=" + tmp.resolve("data"), "--web.listen-address=127.0.0.1:" + TestPostgres.freePort(),
          "--log.level=warn").redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
      try {
        AlertWatch watch = new AlertWatch(suite.gateway(), SuiteHarness.ADMIN_KEY);
        JsonObject alert;
        try {
          alert = watch.await("BackupStale", Duration.ofSeconds(60),
              a -> "external".equals(a.getString("source")) && "backup".equals(a.getJsonObject("labels").getString("service")));
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + "\nprometheus log:\n" + Files.readString(tmp.resolve("prometheus.log")), e);
        }
        assertEquals("critical", alert.getString("severity"), alert.encodePrettily());
        assertTrue(alert.getString("state").matches("firing|pending"), alert.encodePrettily());
        JsonObject annotations = alert.getJsonObject("annotations");
        assertTrue(annotations.getString("summary", "").startsWith("No successful backup for"), alert.encodePrettily());
        assertEquals("docs/RUNBOOK.md#28-a-backup-failed-or-backups-are-stale", annotations.getString("runbook_url"),
            alert.encodePrettily());
      } finally {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  private static String hostPort(String url) {
    return url.substring("http://".length());
  }
}
