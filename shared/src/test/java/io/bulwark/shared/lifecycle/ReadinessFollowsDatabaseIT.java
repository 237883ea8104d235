package io.bulwark.shared.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.ProbeService;
import io.bulwark.shared.test.TestPostgres;
import io.bulwark.shared.test.TestServices;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /ready follows the database: 503 within 5 s of PostgreSQL stopping, 200 within 5 s of it returning, no restart. */
class ReadinessFollowsDatabaseIT {
  @TempDir
  Path dataDir;

  @Test
  void readinessTurnsDownAndBackWithTheDatabase() throws Exception {
    int port = TestPostgres.freePort();
    EmbeddedPostgres pg = TestPostgres.startOwnEmbedded(dataDir, port);
    Bulwark running = null;
    try {
      String url = "postgres://postgres@127.0.0.1:" + port + "/postgres";
      var services = List.of(ProbeService.expectingHead(1));
      running = TestServices.start(services, TestServices.env(url, services));
      String ready = "http://127.0.0.1:" + TestServices.managementPort(running, "probe") + "/ready";
      String metrics = "http://127.0.0.1:" + TestServices.managementPort(running, "probe") + "/metrics";
      HttpResponse<String> up = Http.await(ready, Duration.ofSeconds(5), r -> r.statusCode() == 200);
      assertEquals(200, up.statusCode(), up.body());
      assertEquals(1.0, readyGauge(metrics), "bulwark_ready while /ready says 200");

      pg.close();
      long stoppedAt = System.nanoTime();
      HttpResponse<String> down = Http.await(ready, Duration.ofSeconds(5), r -> r.statusCode() == 503);
      long downMs = (System.nanoTime() - stoppedAt) / 1_000_000;
      assertEquals(503, down.statusCode(), "still ready " + downMs + " ms after PostgreSQL stopped: " + down.body());
      JsonObject body = new JsonObject(down.body());
      assertEquals("DOWN", body.getJsonObject("checks").getJsonObject("db").getString("status"));
      assertEquals(0.0, readyGauge(metrics), "bulwark_ready while /ready says 503: what Prometheus alerts on");

      pg = TestPostgres.startOwnEmbedded(dataDir, port);
      long startedAt = System.nanoTime();
      HttpResponse<String> back = Http.await(ready, Duration.ofSeconds(5), r -> r.statusCode() == 200);
      long backMs = (System.nanoTime() - startedAt) / 1_000_000;
      assertEquals(200, back.statusCode(), "not ready " + backMs + " ms after PostgreSQL returned: " + back.body());
      assertTrue(downMs < 5000 && backMs < 5000);
      assertEquals(1.0, readyGauge(metrics));
    } finally {
      TestServices.stop(running);
      pg.close();
    }
  }

  private static double readyGauge(String metrics) throws Exception {
    return Http.get(metrics).body().lines().filter(l -> l.startsWith("bulwark_ready{") || l.startsWith("bulwark_ready "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(Double.NaN);
  }
}
