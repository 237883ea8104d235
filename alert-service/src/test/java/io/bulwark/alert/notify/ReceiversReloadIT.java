package io.bulwark.alert.notify;

import static io.bulwark.alert.notify.OutboxBed.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.config.ServiceConfig;
import io.bulwark.shared.test.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receivers file is polled like the rules: a valid edit reroutes the next notifications without a restart, an
 * invalid one (bad YAML, or an unsigned webhook in production) is counted and the receivers in force stay.
 */
class ReceiversReloadIT {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private OutboxBed bed;
  private TestReceiver receiver;
  @TempDir
  Path dir;

  @BeforeEach
  void setUp() throws Exception {
    bed = new OutboxBed("notify_reload");
    receiver = new TestReceiver(bed.vertx, TestPostgres.freePort(), List.of("it-notify-webhook-secret-old-0123456789")).start();
  }

  @AfterEach
  void tearDown() throws Exception {
    receiver.close();
    bed.close();
  }

  private String receivers(String receiverName, String path) {
    return """
        route: {receiver: %s, group_by: [alertname], group_wait: 0s, group_interval: 50ms, repeat_interval: 1h}
        receivers:
          - {name: %s, kind: webhook, url: 'http://127.0.0.1:%d/%s', timeout: 1s}
        """.formatted(receiverName, receiverName, receiver.port, path);
  }

  /** As an editor or a ConfigMap does it: a new file renamed over the old one. */
  private void write(Path file, String text) throws Exception {
    Path tmp = Files.createTempFile(dir, "receivers", ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private double reloads(String result) {
    var c = bed.registry.find("bulwark.alert.receivers.reloads").tag("result", result).counter();
    return c == null ? 0 : c.count();
  }

  private long at(String path) {
    return receiver.accepted().stream().filter(r -> r.path().equals(path)).count();
  }

  @Test
  void aValidEditReroutesWithoutARestartAndABadOneIsRefused() throws Exception {
    Path file = dir.resolve("receivers.yaml");
    write(file, receivers("first", "one"));
    bed.deploy(ServiceConfig.of("alert", new JsonObject().put("MANAGEMENT_PORT", 9083)
        .put("DATABASE_URL", bed.db.databaseUrl()).put("BULWARK_ENV", "production").put("BULWARK_ADMIN_KEYS", "x")
        .put(NotifySettings.RECEIVERS_FILE, file.toString()).put(Notifications.POLL_KEY, 50).put(NotifySettings.POLL, "100ms")
        .put(NotifySettings.WEBHOOK_SECRETS, String.join(",", OutboxBed.SECRETS))));
    bed.fire("Before", Map.of());
    await("the first receiver's notification", WAIT, () -> at("/one") == 1);

    write(file, receivers("second", "two"));
    await("the edit applied", WAIT, () -> reloads("applied") == 1);
    bed.fire("After", Map.of());
    await("the new receiver hears of both groups", WAIT, () -> at("/two") == 2);
    assertEquals(1, at("/one"), "nothing more to the receiver that was removed");
    assertTrue(receiver.accepted().stream().allMatch(TestReceiver.Received::signatureOk));

    write(file, "route: {receiver: nobody}\nreceivers:\n  - {name: log, kind: log}\n");
    await("the bad edit refused", WAIT, () -> reloads("rejected") == 1);
    // production: a webhook without its signing secret cannot come in by a reload either
    write(file, receivers("second", "two").replace("kind: webhook,", "kind: webhook, secret_env: BULWARK_UNSET_SECRETS,"));
    await("the unsigned webhook refused", WAIT, () -> reloads("rejected") == 2);
    bed.fire("Later", Map.of());
    await("the receivers in force still deliver", WAIT, () -> at("/two") == 3);
    assertEquals(1, reloads("applied"));
  }
}
