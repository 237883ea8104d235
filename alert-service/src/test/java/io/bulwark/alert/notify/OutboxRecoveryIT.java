package io.bulwark.alert.notify;

import static io.bulwark.alert.notify.OutboxBed.await;
import static io.bulwark.alert.notify.OutboxBed.quietly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbox under trouble: a receiver down for a while (503, then its port closed), a dispatcher restart in between, a
 * crashed claim, and a group blocked at its head while the others go on.
 */
class OutboxRecoveryIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private OutboxBed bed;
  private TestReceiver receiver;

  @BeforeEach
  void setUp() throws Exception {
    bed = new OutboxBed("notify_recovery");
    receiver = new TestReceiver(bed.vertx, TestPostgres.freePort(), OutboxBed.SECRETS).start();
  }

  @AfterEach
  void tearDown() throws Exception {
    receiver.close();
    bed.close();
  }

  private List<Long> idsOf(String group) throws java.sql.SQLException {
    List<Long> out = new ArrayList<>();
    for (Object o : bed.column("SELECT id FROM alert.notifications WHERE group_key LIKE '%" + group + "%' ORDER BY id")) {
      out.add((Long) o);
    }
    return out;
  }

  private long blocked(String where) throws java.sql.SQLException {
    return bed.count("group_key LIKE '%Blocked%' AND " + where);
  }

  @Test
  void receiverDownThenBackGetsEveryNotificationOnceInOrderAcrossARestart() throws Exception {
    receiver.answer = r -> r.body().contains("\"Blocked\"") ? 503 : 200;
    String first = bed.deploy(receiver.port, 1000);
    UUID a = bed.fire("Blocked", Map.of("n", "a"));
    await("the head failing", WAIT, quietly(() -> blocked("attempts >= 2") == 1));
    bed.fire("Other", Map.of());
    await("another group delivered while Blocked's head fails", WAIT,
        () -> receiver.accepted().stream().anyMatch(r -> r.body().contains("\"Other\"")));
    bed.resolve(a);
    await("resolved queued behind the head", WAIT, quietly(() -> blocked("true") == 2));
    bed.fire("Blocked", Map.of("n", "b"));
    await("third queued", WAIT, quietly(() -> blocked("true") == 3));
    assertEquals(0, blocked("status = 'delivered'"));

    receiver.close();
    Thread.sleep(300);
    bed.undeploy(first);
    String second = bed.deploy(receiver.port, 1000);
    Thread.sleep(300);
    assertEquals(3, blocked("status IN ('pending', 'delivering')"), "the restart lost nothing");

    receiver.answer = r -> 200;
    receiver.start();
    await("all three delivered", WAIT, quietly(() -> blocked("status = 'delivered'") == 3));
    List<Long> expected = idsOf("Blocked");
    List<Long> arrived = receiver.accepted().stream().filter(r -> r.body().contains("\"Blocked\"")).map(TestReceiver.Received::id).toList();
    assertEquals(expected, arrived, "each once, in order of creation");
    assertEquals(expected, receiver.processedIds().stream().filter(expected::contains).toList());
    List<String> statuses = receiver.accepted().stream().filter(r -> r.body().contains("\"Blocked\""))
        .map(r -> r.json().getString("status")).toList();
    assertEquals(List.of("firing", "resolved", "firing"), statuses);
    assertTrue(receiver.accepted().stream().allMatch(TestReceiver.Received::signatureOk));
    bed.undeploy(second);
  }

  @Test
  void aClaimLeftByACrashedInstanceIsDeliveredAgain() throws Exception {
    bed.sql("INSERT INTO alert.notifications (receiver, group_key, kind, body, alert_ids, fingerprints, status, attempts,"
        + " lease_until) VALUES ('hook', 'hook/0/{alertname=\"Crashed\"}', 'firing', '{\"version\":\"4\"}', '{}', '{}',"
        + " 'delivering', 1, now() - interval '1 second')");
    bed.deploy(receiver.port, 5);
    await("delivered after the lease ran out", WAIT, quietly(() -> bed.count("status = 'delivered'") == 1));
    assertEquals(1, receiver.processedIds().size());
    assertEquals(2, bed.column("SELECT attempts FROM alert.notifications").get(0));
  }

  @Test
  void deadAfterMaxAttemptsLetsTheGroupGoOnAndRedriveDelivers() throws Exception {
    bed.deploy(receiver.port, 3);
    receiver.answer = r -> r.body().contains("\"n\":\"first\"") ? 503 : r.body().contains("\"Permanent\"") ? 400 : 200;
    bed.fire("Flaky", Map.of("n", "first"));
    await("dead after 3 attempts", WAIT, quietly(() -> bed.count("status = 'dead' AND attempts = 3") == 1));
    String error = (String) bed.column("SELECT last_error FROM alert.notifications WHERE status = 'dead'").get(0);
    assertEquals("HTTP 503", error);
    assertEquals(1.0, bed.registry.get(NotifyMetrics.NOTIFICATIONS).tag("receiver", "hook").tag("result", "dead").counter().count());
    assertEquals(2.0, bed.registry.get(NotifyMetrics.NOTIFICATIONS).tag("receiver", "hook").tag("result", "failed").counter().count());

    bed.fire("Permanent", Map.of());
    await("a 400 is dead at once", WAIT, quietly(() -> bed.count("status = 'dead' AND attempts = 1") == 1));

    receiver.answer = r -> 200;
    var reply = bed.admin(new io.vertx.core.json.JsonObject().put("op", "redrive").put("receiver", "hook").put("actor", "ops"));
    assertEquals(2, reply.getInteger("affected"));
    await("redriven rows delivered", WAIT, quietly(() -> bed.count("status = 'delivered'") == 2));
    assertEquals(0L, bed.admin(new io.vertx.core.json.JsonObject().put("op", "stats")).getJsonObject("stats").getLong("dead"));
  }
}
