package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The files under deploy/ stay valid: {@code deploy/check-configs.sh} (promtool for both Prometheus configs,
 * docker-compose for the compose file, which must refuse to render without its secrets) passes, the Prometheus configs
 * scrape all four management ports, and the compose file mounts jars the build really produces.
 */
class DeployConfigIT {
  private static final Path DEPLOY = Path.of("../deploy").toAbsolutePath().normalize();

  @Test
  void checkConfigsScriptPasses() {
    ExternalTool.require("promtool", "prometheus");
    ExternalTool.require("docker-compose", "docker-compose");
    ExternalTool.Result r = ExternalTool.run(120, "bash", DEPLOY.resolve("check-configs.sh").toString());
    assertEquals(0, r.exitCode(), r.output());
    assertEquals(4, r.output().lines().filter(l -> l.startsWith("check-configs: ok:")).count(), r.output());
  }

  @Test
  void prometheusConfigsScrapeAllFourServices() throws Exception {
    for (String file : List.of("prometheus.yml", "prometheus-local.yml")) {
      String text = Files.readString(DEPLOY.resolve("prometheus").resolve(file));
      for (String port : List.of("9080", "9081", "9082", "9083")) {
        assertTrue(text.contains(":" + port + "'"), file + " does not scrape port " + port);
      }
    }
  }

  @Test
  void composeMountsJarsTheBuildProduces() throws Exception {
    Path file = DEPLOY.resolve("compose/docker-compose.yml");
    Matcher m = Pattern.compile("- (\\.\\./\\.\\./[^:]+\\.jar):/app/app.jar").matcher(Files.readString(file));
    int jars = 0;
    while (m.find()) {
      Path jar = file.getParent().resolve(m.group(1)).normalize();
      assertTrue(Files.isRegularFile(jar), "compose mounts " + jar + " which the build does not produce");
      jars++;
    }
    assertEquals(4, jars, "expected the four service jars to be mounted");
  }

  @Test
  void composeRoutesFileAndPoliciesAreWhatTheGatewayAccepts() throws Exception {
    String compose = Files.readString(DEPLOY.resolve("compose/docker-compose.yml"));
    Matcher policies = Pattern.compile("BULWARK_RATE_LIMITS: '([^']+)'").matcher(compose);
    assertTrue(policies.find(), "compose sets BULWARK_RATE_LIMITS");
    java.util.Set<String> names = io.bulwark.gateway.ratelimit.RateLimitPolicies.parse(policies.group(1)).keySet();
    Path routes = DEPLOY.resolve("compose/routes.yaml");
    var table = io.bulwark.gateway.proxy.RouteTable.parse(Files.readString(routes), routes.getFileName().toString(), names::contains);
    assertEquals(1, table.routes().size());
    assertTrue(compose.contains("./routes.yaml:/etc/bulwark/routes.yaml:ro") && compose.contains("BULWARK_ROUTES_FILE: /etc/bulwark/routes.yaml"));
  }

  @Test
  void composeReceiversFileIsWhatAlertServiceAcceptsAndIsMountedAsADirectory() throws Exception {
    String compose = Files.readString(DEPLOY.resolve("compose/docker-compose.yml"));
    Path receivers = DEPLOY.resolve("compose/alerting/receivers.yaml");
    var config = io.bulwark.alert.notify.ReceiversFile.parse(receivers.toString(), Files.readString(receivers));
    assertEquals("log", config.root().receiver());
    assertTrue(compose.contains("./alerting:/etc/bulwark/alerting:ro")
        && compose.contains("BULWARK_ALERT_RECEIVERS_FILE: /etc/bulwark/alerting/receivers.yaml"), "polled through a directory mount");
  }
}
