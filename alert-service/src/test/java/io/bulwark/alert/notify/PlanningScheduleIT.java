package io.bulwark.alert.notify;

import static io.bulwark.alert.notify.OutboxBed.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher reads every open alert only when something can be sent; between those times it reads only the alerts
 * written since its last look. Changes made by hand in SQL (no nudge) are found too, and every notification still
 * goes at its group's time — well before the periodic full pass would have caught it.
 */
class PlanningScheduleIT {
  private static final Duration WAIT = Duration.ofSeconds(8);
  private OutboxBed bed;
  private TestReceiver receiver;

  @BeforeEach
  void setUp() throws Exception {
    bed = new OutboxBed("notify_schedule");
    receiver = new TestReceiver(bed.vertx, TestPostgres.freePort(), List.of("it-notify-webhook-secret-old-0123456789")).start();
  }

  @AfterEach
  void tearDown() throws Exception {
    receiver.close();
    bed.close();
  }

  private double passes(NotifyMetrics.Pass pass) {
    return bed.registry.get(NotifyMetrics.PLANS).tag("pass", pass.name().toLowerCase(java.util.Locale.ROOT)).counter().count();
  }

  @Test
  void fullPassesRunOnlyWhenAGroupCanSendAndChangesGoAtTheirGroupsTime() throws Exception {
    bed.deploy("""
        route:
          receiver: hook
          group_by: [alertname]
          group_wait: 0s
          group_interval: 2s
          repeat_interval: 1h
        receivers:
          - {name: hook, kind: webhook, url: 'http://127.0.0.1:%d/hook', timeout: 1s}
        """.formatted(receiver.port), 5);
    await("the first full pass", WAIT, () -> passes(NotifyMetrics.Pass.FULL) >= 1);

    long t0 = System.nanoTime();
    bed.fire("Storm", Map.of("n", "0"));
    await("the new group's first notification", WAIT, () -> receiver.accepted().size() == 1);
    assertTrue(System.nanoTime() - t0 < Duration.ofMillis(2500).toNanos(), "a new group with group_wait 0 is sent at once");
    long firstSent = System.nanoTime();

    double full = passes(NotifyMetrics.Pass.FULL);
    double looks = passes(NotifyMetrics.Pass.CHANGES);
    for (int i = 1; i <= 20; i++) {
      bed.fire("Storm", Map.of("n", Integer.toString(i)));
    }
    Thread.sleep(1200);
    assertEquals(full, passes(NotifyMetrics.Pass.FULL), "within the group's interval no pass reads every alert");
    assertTrue(passes(NotifyMetrics.Pass.CHANGES) >= looks + 5, "the changes are looked at every poll");
    assertEquals(1, receiver.accepted().size(), "the changes wait for group_interval");

    await("the group's second notification", WAIT, () -> receiver.accepted().size() == 2);
    // counted from the first one's arrival, which is a little after the pass that sent it (the interval's start)
    long after = System.nanoTime() - firstSent;
    assertTrue(after >= Duration.ofMillis(1500).toNanos() && after < Duration.ofMillis(4500).toNanos(),
        "sent at the group interval (2 s), not at the periodic full pass: " + after / 1_000_000 + " ms");
    assertEquals(21, receiver.accepted().get(1).json().getJsonArray("alerts").size());
    long secondSent = System.nanoTime();

    // an operator's hand: no nudge, only the row (the trigger numbers the change)
    UUID any = UUID.fromString(bed.column("SELECT id FROM alert.alerts WHERE labels->>'n' = '7'").get(0).toString());
    bed.sql("UPDATE alert.alerts SET state = 'resolved', resolved_at = now(), resolved_by = 'dba', version = version + 1"
        + " WHERE id = '" + any + "'");
    await("the resolved alert's notification", WAIT, () -> receiver.accepted().size() == 3);
    long third = System.nanoTime() - secondSent;
    assertTrue(third < Duration.ofMillis(4500).toNanos(), "found by its change number: " + third / 1_000_000 + " ms");
    assertEquals(20, receiver.accepted().get(2).json().getJsonArray("alerts").stream()
        .filter(a -> "firing".equals(((io.vertx.core.json.JsonObject) a).getString("status"))).count());
  }
}
