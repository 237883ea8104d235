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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus (the Debian binary) scrapes all four services of a running suite: every target up == 1, and every
 * query of the Grafana dashboard (deploy/grafana) runs on it and reads only metrics the services really expose.
 */
class PrometheusScrapeIT {
  private static final Path GRAFANA = Path.of("../deploy/grafana").toAbsolutePath().normalize();
  private static final Pattern METRIC = Pattern.compile("\\b((?:bulwark|vertx|process|jvm)_[a-z_]+|up)\\s*[{\\[)]");
  private static SuiteHarness suite;
  private static Process prometheus;
  private static Path tmp;
  private static String api;

  @BeforeAll
  static void start() throws Exception {
    suite = new SuiteHarness("prometheus_scrape");
    Path binary = ExternalTool.require("prometheus", "prometheus");
    tmp = Files.createTempDirectory("prometheus-scrape");
    StringBuilder config = new StringBuilder("global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n");
    for (String service : new String[] {"gateway", "audit", "backup", "alert"}) {
      config.append("  - job_name: bulwark-").append(service).append('\n')
          .append("    static_configs:\n      - targets: ['").append(suite.management(service).substring("http://".length()))
          .append("']\n        labels:\n          service: ").append(service).append('\n');
    }
    Path configFile = tmp.resolve("prometheus.yml");
    Files.writeString(configFile, config);
    int port = TestPostgres.freePort();
    api = "http://127.0.0.1:" + port + "/api/v1/";
    prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + configFile,
        "--storage.tsdb.path=" + tmp.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
    suite.close();
    if (tmp != null) {
      try (var files = Files.walk(tmp)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static String query(String promql) {
    return api + "query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8);
  }

  @Test
  void prometheusSeesEveryServiceUp() throws Exception {
    var last = Http.await(query("up"), Duration.ofSeconds(30), r -> r.statusCode() == 200 && allUp(new JsonObject(r.body())));
    assertTrue(last != null && allUp(new JsonObject(last.body())),
        "not every target up: " + (last == null ? "no answer" : last.body()) + "\n" + Files.readString(tmp.resolve("prometheus.log")));
    JsonArray result = new JsonObject(last.body()).getJsonObject("data").getJsonArray("result");
    Set<String> services = new HashSet<>();
    for (int i = 0; i < result.size(); i++) {
      services.add(result.getJsonObject(i).getJsonObject("metric").getString("service"));
    }
    assertEquals(Set.of("gateway", "audit", "backup", "alert"), services);
  }

  @Test
  void everyDashboardQueryRunsAndReadsMetricsTheServicesExpose() throws Exception {
    JsonObject dashboard = new JsonObject(Files.readString(GRAFANA.resolve("dashboards/bulwark-overview.json")));
    String datasource = Files.readString(GRAFANA.resolve("provisioning/datasources/bulwark.yml"));
    List<String> exprs = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    JsonArray panels = dashboard.getJsonArray("panels");
    for (int i = 0; i < panels.size(); i++) {
      JsonObject p = panels.getJsonObject(i);
      assertTrue(ids.add(p.getInteger("id")), "panel id " + p.getInteger("id") + " twice");
      JsonObject grid = p.getJsonObject("gridPos");
      assertTrue(grid.getInteger("x") + grid.getInteger("w") <= 24, p.getString("title") + " is wider than the grid");
      if ("row".equals(p.getString("type"))) {
        continue;
      }
      String uid = p.getJsonObject("datasource").getString("uid");
      assertTrue(datasource.contains("uid: " + uid), p.getString("title") + " uses data source " + uid + ", not the provisioned one");
      JsonArray targets = p.getJsonArray("targets");
      assertTrue(targets != null && !targets.isEmpty(), p.getString("title") + " has no query");
      targets.forEach(t -> exprs.add(((JsonObject) t).getString("expr")));
    }
    // scraped a few times, so rate() over the window has two samples
    java.util.function.Predicate<java.net.http.HttpResponse<String>> fiveScrapes =
        r -> r.statusCode() == 200 && !new JsonObject(r.body()).getJsonObject("data").getJsonArray("result").isEmpty();
    var scraped = Http.await(query("count_over_time(up{service=\"alert\"}[30s]) >= 5"), Duration.ofSeconds(30), fiveScrapes);
    assertTrue(scraped != null && fiveScrapes.test(scraped), "Prometheus did not scrape five times in 30 s");
    Set<String> exposed = new TreeSet<>();
    new JsonObject(Http.get(api + "label/__name__/values").body()).getJsonArray("data").forEach(n -> exposed.add((String) n));
    Set<String> missing = new TreeSet<>();
    for (String expr : exprs) {
      var answer = Http.get(query(expr.replace("$__rate_interval", "30s")));
      assertEquals(200, answer.statusCode(), expr + " -> " + answer.body());
      assertEquals("success", new JsonObject(answer.body()).getString("status"), expr);
      Matcher m = METRIC.matcher(expr);
      while (m.find()) {
        if (!exposed.contains(m.group(1)) && !PrometheusRulesIT.BORN_LATER.contains(m.group(1))) {
          missing.add(m.group(1));
        }
      }
    }
    assertEquals(Set.of(), missing, "the dashboard reads metrics no service exposes");
    assertTrue(exprs.size() >= 30, "the dashboard lost its panels: " + exprs.size() + " queries");
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
