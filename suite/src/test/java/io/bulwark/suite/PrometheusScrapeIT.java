package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.ExternalTool;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Prometheus (the Debian binary) scrapes all four services of a running suite: every target up == 1. */
class PrometheusScrapeIT {
  private static SuiteHarness suite;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    suite = new SuiteHarness("prometheus_scrape");
  }

  @AfterAll
  static void stop() {
    suite.close();
  }

  @Test
  void prometheusSeesEveryServiceUp() throws Exception {
    Path prometheus = ExternalTool.require("prometheus", "prometheus");
    StringBuilder config = new StringBuilder("global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n");
    for (String service : new String[] {"gateway", "audit", "backup", "alert"}) {
      config.append("  - job_name: bulwark-").append(service).append('\n')
          .append("    static_configs:\n      - targets: ['").append(suite.management(service).substring("http://".length()))
          .append("']\n        labels:\n          service: ").append(service).append('\n');
    }
    Path configFile = tmp.resolve("prometheus.yml");
    Files.writeString(configFile, config);
    int port = TestPostgres.freePort();
    ProcessBuilder pb = new ProcessBuilder(prometheus.toString(), "--config.file=" + configFile,
        "--storage.tsdb.path=" + tmp.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile());
    Process p = pb.start();
    try {
      String query = "http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode("up", StandardCharsets.UTF_8);
      var last = Http.await(query, Duration.ofSeconds(30), r -> r.statusCode() == 200 && allUp(new JsonObject(r.body())));
      assertTrue(last != null && allUp(new JsonObject(last.body())),
          "not every target up: " + (last == null ? "no answer" : last.body()) + "\n" + Files.readString(tmp.resolve("prometheus.log")));
      JsonArray result = new JsonObject(last.body()).getJsonObject("data").getJsonArray("result");
      Set<String> services = new HashSet<>();
      for (int i = 0; i < result.size(); i++) {
        services.add(result.getJsonObject(i).getJsonObject("metric").getString("service"));
      }
      assertEquals(Set.of("gateway", "audit", "backup", "alert"), services);
    } finally {
      p.destroy();
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private static boolean allUp(JsonObject answer) {
    JsonObject data = answer.getJsonObject("data");
    if (data == null) {
      return false;
    }
    JsonArray result = data.getJsonArray("result");
    if (result == null || result.size() != 4) {
      return false;
    }
    for (int i = 0; i < result.size(); i++) {
      if (!"1".equals(result.getJsonObject(i).getJsonArray("value").getString(1))) {
        return false;
      }
    }
    return true;
  }
}
