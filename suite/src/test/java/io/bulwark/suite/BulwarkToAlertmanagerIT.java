package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.bulwark.shared.test.ExternalTool;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Alertmanager 0.25 (Debian prometheus-alertmanager) receives Bulwark's alerts over its v2 API: alert-service
 * with a receiver of kind {@code alertmanager} takes an alert on its own intake, and the Alertmanager's
 * {@code GET /api/v2/alerts} then lists it with its labels and annotations. The Alertmanager is checked to start
 * with deploy/alertmanager/alertmanager.yml as well.
 */
class BulwarkToAlertmanagerIT {
  @TempDir
  Path tmp;

  @Test
  void alertmanagerListsTheAlertBulwarkSent() throws Exception {
    Path alertmanager = ExternalTool.require("prometheus-alertmanager", "prometheus-alertmanager");
    int port = TestPostgres.freePort();
    Process am = new ProcessBuilder(alertmanager.toString(),
        "--config.file=" + Path.of("../deploy/alertmanager/alertmanager.yml").toAbsolutePath().normalize(),
        "--storage.path=" + tmp.resolve("am"), "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=",
        "--log.level=warn").redirectErrorStream(true).redirectOutput(tmp.resolve("alertmanager.log").toFile()).start();
    try {
      String amUrl = "http://127.0.0.1:" + port;
      var ready = Http.await(amUrl + "/-/ready", Duration.ofSeconds(30), r -> r.statusCode() == 200);
      assertEquals(200, ready == null ? -1 : ready.statusCode(), Files.readString(tmp.resolve("alertmanager.log")));
      Path receivers = tmp.resolve("receivers.yaml");
      Files.writeString(receivers, "route:\n  receiver: am\n  group_by: [alertname]\n  group_wait: 0s\n"
          + "  group_interval: 1s\n  repeat_interval: 4m\nreceivers:\n  - name: am\n    kind: alertmanager\n"
          + "    url: " + amUrl + "\n");
      try (SuiteHarness suite = new SuiteHarness("bulwark_to_alertmanager",
          Map.of("BULWARK_ALERT_RECEIVERS_FILE", receivers.toString()))) {
        String alert = new JsonObject()
            .put("labels", new JsonObject().put("alertname", "DiskAlmostFull").put("severity", "warning")
                .put("service", "backup").put("mount", "/var/backups"))
            .put("annotations", new JsonObject().put("summary", "3 % free on /var/backups"))
            .put("startsAt", Instant.now().toString()).put("generatorURL", "http://prometheus.example/graph").encode();
        HttpResponse<String> posted = Http.post(suite.management("alert") + "/api/v2/alerts", "[" + alert + "]",
            "Content-Type", "application/json");
        assertEquals(200, posted.statusCode(), posted.body());
        var listed = Http.await(amUrl + "/api/v2/alerts", Duration.ofSeconds(30),
            r -> r.statusCode() == 200 && find(new JsonArray(r.body())) != null);
        JsonObject got = listed == null ? null : find(new JsonArray(listed.body()));
        assertNotNull(got, "Alertmanager never listed the alert: " + (listed == null ? "no answer" : listed.body())
            + "\nalertmanager log:\n" + Files.readString(tmp.resolve("alertmanager.log")));
        assertEquals("warning", got.getJsonObject("labels").getString("severity"), got.encodePrettily());
        assertEquals("backup", got.getJsonObject("labels").getString("service"), got.encodePrettily());
        assertEquals("3 % free on /var/backups", got.getJsonObject("annotations").getString("summary"), got.encodePrettily());
        assertEquals("active", got.getJsonObject("status").getString("state"), got.encodePrettily());
      }
    } finally {
      am.destroy();
      if (!am.waitFor(10, TimeUnit.SECONDS)) {
        am.destroyForcibly();
      }
    }
  }

  private static JsonObject find(JsonArray alerts) {
    for (int i = 0; i < alerts.size(); i++) {
      JsonObject a = alerts.getJsonObject(i);
      if ("/var/backups".equals(a.getJsonObject("labels").getString("mount"))) {
        return a;
      }
    }
    return null;
  }
}
