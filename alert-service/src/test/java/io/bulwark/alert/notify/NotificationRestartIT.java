package io.bulwark.alert.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.alert.AlertService;
import io.bulwark.shared.lifecycle.Bulwark;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestPostgres;
import io.bulwark.shared.test.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole alert-service process, not just its dispatcher: alerts arrive through the Alertmanager-compatible intake
 * while the webhook receiver is down, alert-service is stopped and started again, and when the receiver comes back it
 * gets every notification exactly once (by notification id), signed, in the order they were created within the group.
 */
class NotificationRestartIT {
  private static final String SECRET = "it-restart-webhook-secret-0123456789";

  @TempDir
  Path dir;

  @Test
  void aReceiverDownAcrossARestartGetsEveryNotificationOnceInOrder() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path receivers = dir.resolve("receivers.yaml");
    Files.writeString(receivers, "route:\n  receiver: hook\n  group_by: [team]\n  group_wait: 0s\n  group_interval: 200ms\n"
        + "  repeat_interval: 4h\nreceivers:\n  - name: hook\n    kind: webhook\n    url: http://127.0.0.1:" + port + "/hook\n"
        + "    timeout: 1s\n");
    try (TestPostgres db = TestPostgres.create("notify_restart")) {
      Map<String, String> env = TestServices.env(db.databaseUrl(), List.of(AlertService.DEFINITION));
      env.put("BULWARK_ALERT_RECEIVERS_FILE", receivers.toString());
      env.put("BULWARK_ALERT_WEBHOOK_SECRETS", SECRET);
      env.put("BULWARK_ALERT_NOTIFY_RETRY_BASE", "100ms");
      env.put("BULWARK_ALERT_NOTIFY_RETRY_MAX", "500ms");
      env.put("BULWARK_ALERT_NOTIFY_MAX_ATTEMPTS", "1000");
      Bulwark first = TestServices.start(List.of(AlertService.DEFINITION), env);
      // nothing listens on the receiver's port yet: every delivery fails with a refused connection
      post(first, alert("Disk", "db1", null));
      Http.sleep(500);
      post(first, alert("Disk", "db2", null));
      Http.sleep(500);
      post(first, alert("Disk", "db1", Instant.now().minusSeconds(1)));
      Http.sleep(1500);
      TestServices.stop(first);

      Bulwark second = TestServices.start(List.of(AlertService.DEFINITION), env);
      Vertx vertx = Vertx.vertx();
      TestReceiver receiver = new TestReceiver(vertx, port, List.of(SECRET)).start();
      try {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (receiver.processedIds().size() < 3 && System.nanoTime() < end) {
          Http.sleep(100);
        }
        Http.sleep(1000);
        List<Long> ids = receiver.processedIds();
        assertEquals(3, ids.size(), "three notifications, none lost, none doubled: " + receiver.all);
        assertEquals(ids.stream().sorted().toList(), ids, "delivered in the order they were created");
        assertTrue(receiver.accepted().stream().allMatch(TestReceiver.Received::signatureOk), "every one signed");
        List<String> seen = new ArrayList<>();
        for (Long id : ids) {
          JsonObject body = receiver.accepted().stream().filter(r -> r.id() == id).findFirst().orElseThrow().json();
          JsonArray alerts = body.getJsonArray("alerts");
          StringBuilder line = new StringBuilder(body.getString("status") + ":");
          alerts.forEach(a -> line.append(((JsonObject) a).getJsonObject("labels").getString("instance"))
              .append('=').append(((JsonObject) a).getString("status")).append(' '));
          seen.add(line.toString().trim());
        }
        assertEquals(List.of("firing:db1=firing", "firing:db1=firing db2=firing", "firing:db1=resolved db2=firing"),
            normalise(seen), "each notification is the group as it stood: " + seen);
      } finally {
        receiver.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        TestServices.stop(second);
      }
    }
  }

  /** Alerts within one notification in instance order, so the comparison does not depend on the payload's ordering. */
  private static List<String> normalise(List<String> lines) {
    return lines.stream().map(l -> {
      int colon = l.indexOf(':');
      List<String> parts = new ArrayList<>(List.of(l.substring(colon + 1).split(" ")));
      parts.sort(String::compareTo);
      return l.substring(0, colon + 1) + String.join(" ", parts);
    }).toList();
  }

  private static JsonObject alert(String name, String instance, Instant endsAt) {
    JsonObject a = new JsonObject().put("labels", new JsonObject().put("alertname", name).put("instance", instance)
        .put("team", "storage").put("severity", "critical"));
    if (endsAt != null) {
      a.put("endsAt", endsAt.toString());
    }
    return a;
  }

  private static void post(Bulwark running, JsonObject alert) {
    String url = "http://127.0.0.1:" + TestServices.managementPort(running, "alert") + "/api/v2/alerts";
    assertEquals(200, Http.post(url, new JsonArray().add(alert).encode(), "Content-Type", "application/json").statusCode());
  }
}
