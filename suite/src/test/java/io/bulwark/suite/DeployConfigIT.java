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

/** The files under deploy/ stay valid: Prometheus configs pass promtool, the compose file passes docker-compose. */
class DeployConfigIT {
  private static final Path DEPLOY = Path.of("../deploy").toAbsolutePath().normalize();

  @Test
  void prometheusConfigsAreValidAndScrapeAllFourServices() throws Exception {
    Path promtool = ExternalTool.require("promtool", "prometheus");
    for (String file : List.of("prometheus.yml", "prometheus-local.yml")) {
      Path config = DEPLOY.resolve("prometheus").resolve(file);
      ExternalTool.Result r = ExternalTool.run(60, promtool.toString(), "check", "config", config.toString());
      assertEquals(0, r.exitCode(), file + ":\n" + r.output());
      String text = Files.readString(config);
      for (String port : List.of("9080", "9081", "9082", "9083")) {
        assertTrue(text.contains(":" + port + "'"), file + " does not scrape port " + port);
      }
    }
  }

  @Test
  void composeFileIsValidAndMountsJarsTheBuildProduces() throws Exception {
    Path compose = ExternalTool.require("docker-compose", "docker-compose");
    Path file = DEPLOY.resolve("compose/docker-compose.yml");
    ExternalTool.Result ok = ExternalTool.run(60, "env", "POSTGRES_PASSWORD=placeholder", "BULWARK_ADMIN_KEYS=placeholder",
        compose.toString(), "-f", file.toString(), "config", "-q");
    assertEquals(0, ok.exitCode(), ok.output());

    ExternalTool.Result missing = ExternalTool.run(60, "env", "-u", "POSTGRES_PASSWORD", "-u", "BULWARK_ADMIN_KEYS",
        compose.toString(), "-f", file.toString(), "config", "-q");
    assertTrue(missing.exitCode() != 0 && missing.output().contains("POSTGRES_PASSWORD"),
        "compose must refuse to run without its secrets:\n" + missing.output());

    Matcher m = Pattern.compile("- (\\.\\./\\.\\./[^:]+\\.jar):/app/app.jar").matcher(Files.readString(file));
    int jars = 0;
    while (m.find()) {
      Path jar = file.getParent().resolve(m.group(1)).normalize();
      assertTrue(Files.isRegularFile(jar), "compose mounts " + jar + " which the build does not produce");
      jars++;
    }
    assertEquals(4, jars, "expected the four service jars to be mounted");
  }
}
