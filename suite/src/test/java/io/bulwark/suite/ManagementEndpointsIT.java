package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.Ping;
import io.bulwark.shared.test.ExternalTool;
import io.bulwark.shared.test.Http;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every service's own management port: /health, /ready with its checks, /metrics valid for Prometheus; bus pings. */
class ManagementEndpointsIT {
  private static SuiteHarness suite;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    suite = new SuiteHarness("management");
  }

  @AfterAll
  static void stop() {
    suite.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"gateway", "audit", "backup", "alert"})
  void healthReadyAndMetrics(String service) throws Exception {
    String base = suite.management(service);
    HttpResponse<String> health = Http.get(base + "/health");
    assertEquals(200, health.statusCode());
    JsonObject h = Http.json(health);
    assertEquals(true, h.getBoolean("ok"));
    assertEquals(service, h.getString("service"));
    assertTrue(h.getString("version").startsWith("0.1.0"), h.encode());

    HttpResponse<String> ready = Http.await(base + "/ready", java.time.Duration.ofSeconds(5), r -> r.statusCode() == 200);
    assertEquals(200, ready.statusCode(), ready.body());
    JsonObject checks = Http.json(ready).getJsonObject("checks");
    assertEquals("UP", checks.getJsonObject("db").getString("status"));
    assertEquals("UP", checks.getJsonObject("migrations").getString("status"));
    int head = SuiteApplication.services().stream().filter(d -> d.name().equals(service)).findFirst().orElseThrow().migrationHead();
    assertEquals("V" + head, checks.getJsonObject("migrations").getString("actual"));

    HttpResponse<String> metrics = Http.get(base + "/metrics");
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    String text = metrics.body();
    assertTrue(text.contains("bulwark_api_requests_total{"), "no request counter");
    assertTrue(text.contains("route=\"/ready\""), "no route label for /ready");
    assertTrue(text.contains("bulwark_api_request_duration_seconds_bucket{"), "no duration histogram");
    assertTrue(text.contains("jvm_memory_used_bytes{"), "no JVM metrics");
    assertTrue(text.contains("process_cpu_usage{") || text.contains("process_uptime_seconds{"), "no process metrics");
    assertTrue(text.contains("service=\"" + service + "\""), "no service tag");

    Path file = tmp.resolve(service + ".prom");
    Files.writeString(file, text);
    Path promtool = ExternalTool.require("promtool", "prometheus");
    Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectInput(file.toFile())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "promtool rejected /metrics of " + service + ":\n" + out);
  }

  @Test
  void metricsLabelRoutesByTemplateNeverByRawPath() {
    Http.get(suite.gateway() + "/v1/events/12345", "X-API-Key", SuiteHarness.ADMIN_KEY);
    Http.get(suite.gateway() + "/some/random/path/98765");
    Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(suite.gateway() + "/v1/events"))
        .method("MADEUPVERB", java.net.http.HttpRequest.BodyPublishers.noBody()));
    String text = Http.get(suite.management("gateway") + "/metrics").body();
    assertTrue(text.contains("route=\"/v1/events/:index\""), "template label missing");
    assertTrue(text.contains("route=\"unmatched\""), "unmatched label missing");
    assertFalse(text.contains("12345"), "raw path leaked into a label");
    assertFalse(text.contains("98765"), "raw path leaked into a label");
    assertFalse(text.contains("MADEUPVERB"), "a client-chosen method became a label");
    assertTrue(text.contains("method=\"OTHER\""), "unknown methods are not grouped");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gateway", "audit", "backup", "alert"})
  void everyServiceAnswersAPingOnTheBus(String service) throws Exception {
    JsonObject reply = suite.running.vertx().eventBus()
        .<JsonObject>request(Addresses.ping(service), new Ping("test").toJson())
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).body();
    Ping.Pong pong = Ping.Pong.fromJson(reply);
    assertEquals(service, pong.service());
    assertTrue(pong.ready());
  }
}
