package io.bulwark.alert.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** group_wait, group_interval, repeat_interval, resolved notifications and notified_state, without a database. */
class GroupPlannerTest {
  private static final NotifyConfig CONFIG = ReceiversFile.parse("t.yaml", """
      route:
        receiver: hook
        group_by: [alertname]
        group_wait: 30s
        group_interval: 5m
        repeat_interval: 4h
        routes:
          - matchers: ['severity="critical"']
            receiver: pd
            continue: true
          - matchers: ['alertname="Grp"']
            receiver: hook
      receivers:
        - {name: hook, kind: webhook, url: 'http://127.0.0.1:1/'}
        - {name: pd, kind: pagerduty, routing_key_env: BULWARK_PD}
      """);
  private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
  private final GroupPlanner planner = new GroupPlanner(CONFIG, "http://x");
  private final Map<String, GroupState> states = new HashMap<>();

  private static AlertRow row(String name, String severity, String state, String notified) {
    UUID id = UUID.nameUUIDFromBytes(name.getBytes());
    return new AlertRow(id, "fp-" + name, state, severity, Map.of("alertname", "Grp", "n", name, "severity", severity),
        Map.of(), T0.minusSeconds(10), T0, "resolved".equals(state) ? T0.plusSeconds(1) : null, false, false, notified, 1);
  }

  private NotificationPlan run(List<AlertRow> alerts, Instant now) {
    NotificationPlan p = planner.plan(alerts, states, now);
    p.deletes().forEach(states::remove);
    p.upserts().forEach(s -> states.put(s.groupKey(), s));
    return p;
  }

  @Test
  void newGroupWaitsGroupWaitThenSendsAndMarksNotified() {
    AlertRow a = row("a", "warning", "firing", null);
    NotificationPlan first = run(List.of(a), T0);
    assertEquals(0, first.entries().size());
    assertEquals(1, states.size(), "the group's first-seen time is kept, so group_wait survives a restart");
    assertEquals(0, run(List.of(a), T0.plusSeconds(29)).entries().size());
    NotificationPlan due = run(List.of(a), T0.plusSeconds(30));
    assertEquals(1, due.entries().size());
    OutboxEntry e = due.entries().get(0);
    assertEquals("hook", e.receiver());
    assertEquals("firing", e.kind());
    assertEquals("hook/0.1/{alertname=\"Grp\"}", e.groupKey());
    assertEquals(T0.minusSeconds(10), e.firstActiveAt());
    assertEquals(Map.of(a.id(), "firing"), due.notified());
  }

  @Test
  void laterChangesWaitGroupIntervalAndResolvedIsSent() {
    AlertRow a = row("a", "warning", "firing", null);
    run(List.of(a), T0);
    run(List.of(a), T0.plusSeconds(30));
    AlertRow aNotified = row("a", "warning", "firing", "firing");
    AlertRow b = row("b", "warning", "firing", null);
    assertEquals(0, run(List.of(aNotified, b), T0.plusSeconds(60)).entries().size(), "within group_interval");
    NotificationPlan second = run(List.of(aNotified, b), T0.plusSeconds(330));
    assertEquals(1, second.entries().size());
    JsonObject body = new JsonObject(second.entries().get(0).body());
    assertEquals(2, body.getJsonArray("alerts").size(), "the group's firing alerts all go, as in Alertmanager");
    assertEquals(b.activeAt(), second.entries().get(0).firstActiveAt(), "b is notified for the first time");
  }

  @Test
  void resolvedAfterNotifiedSendsResolvedAndClearsTheGroup() {
    AlertRow a = row("a", "warning", "firing", null);
    run(List.of(a), T0);
    run(List.of(a), T0.plusSeconds(30));
    AlertRow resolved = row("a", "warning", "resolved", "firing");
    NotificationPlan p = run(List.of(resolved), T0.plusSeconds(400));
    assertEquals(1, p.entries().size());
    assertEquals("resolved", p.entries().get(0).kind());
    assertEquals("resolved", new JsonObject(p.entries().get(0).body()).getString("status"));
    assertEquals(Map.of(a.id(), "resolved"), p.notified());
    NotificationPlan after = run(List.of(), T0.plusSeconds(401));
    assertTrue(after.deletes().contains("hook/0.1/{alertname=\"Grp\"}") || states.isEmpty());
  }

  @Test
  void resolvedNeverNotifiedNeedsNothing() {
    NotificationPlan p = run(List.of(row("a", "warning", "resolved", null)), T0);
    assertEquals(0, p.entries().size());
    assertTrue(p.notified().isEmpty());
  }

  @Test
  void unchangedFiringGroupRepeatsAfterRepeatInterval() {
    AlertRow a = row("a", "warning", "firing", null);
    run(List.of(a), T0);
    run(List.of(a), T0.plusSeconds(30));
    AlertRow n = row("a", "warning", "firing", "firing");
    assertEquals(0, run(List.of(n), T0.plusSeconds(3600)).entries().size());
    NotificationPlan repeat = run(List.of(n), T0.plusSeconds(30 + 4 * 3600));
    assertEquals(1, repeat.entries().size());
    assertEquals(null, repeat.entries().get(0).firstActiveAt(), "a repeat is not a first notification");
  }

  @Test
  void silencedOrInhibitedAlertsAreNotSent() {
    AlertRow a = row("a", "warning", "firing", null);
    AlertRow silenced = new AlertRow(a.id(), a.fingerprint(), a.state(), a.severity(), a.labels(), a.annotations(), a.activeAt(),
        a.firingAt(), null, true, false, null, 1);
    assertEquals(0, run(List.of(silenced), T0).entries().size());
    assertEquals(0, run(List.of(silenced), T0.plusSeconds(3600)).entries().size());
  }

  @Test
  void continueSendsToBothReceiversAndNotifiedWaitsForBoth() {
    AlertRow c = row("c", "critical", "firing", null);
    run(List.of(c), T0);
    NotificationPlan p = run(List.of(c), T0.plusSeconds(30));
    assertEquals(Set.of("hook", "pd"), Set.copyOf(p.entries().stream().map(OutboxEntry::receiver).toList()));
    OutboxEntry pd = p.entries().stream().filter(e -> e.receiver().equals("pd")).findFirst().orElseThrow();
    assertEquals("trigger", new JsonObject(pd.body()).getString("event_action"));
    assertEquals(Map.of(c.id(), "firing"), p.notified());
  }

  @Test
  void samePlanForSameInputs() {
    List<AlertRow> alerts = List.of(row("a", "critical", "firing", null), row("b", "warning", "firing", null));
    NotificationPlan one = new GroupPlanner(CONFIG, "http://x").plan(alerts, Map.of(), T0);
    NotificationPlan two = new GroupPlanner(CONFIG, "http://x").plan(alerts, Map.of(), T0);
    assertEquals(one, two);
  }

  @Test
  void thePlanSaysWhenItCanNextSendSoTheDispatcherNeedNotReadEveryAlertOnEveryPoll() {
    AlertRow a = row("a", "warning", "firing", null);
    String key = "hook/0.1/{alertname=\"Grp\"}";
    assertEquals(java.util.Set.of(key), planner.groupKeys(a.labels()));
    assertEquals(java.util.Set.of(key, "pd/0.0/{alertname=\"Grp\"}"), planner.groupKeys(Map.of("alertname", "Grp",
        "severity", "critical")), "an alert in two groups (continue) changes both");
    NotificationPlan first = run(List.of(a), T0);
    assertEquals(T0.plusSeconds(30), first.nextDue(), "the new group's change waits group_wait");
    assertEquals(T0.plusSeconds(30), first.changeEligible().get(key));
    NotificationPlan sent = run(List.of(a), T0.plusSeconds(30));
    assertEquals(1, sent.entries().size());
    assertEquals(T0.plusSeconds(30 + 4 * 3600), sent.nextDue(), "nothing but the repeat is due after a send");
    assertEquals(T0.plusSeconds(30 + 300), sent.changeEligible().get(key), "a later change waits group_interval");
    AlertRow aNotified = row("a", "warning", "firing", "firing");
    AlertRow b = row("b", "warning", "firing", null);
    assertEquals(T0.plusSeconds(330), run(List.of(aNotified, b), T0.plusSeconds(60)).nextDue());
    AlertRow aResolved = row("a", "warning", "resolved", "firing");
    AlertRow bResolved = row("b", "warning", "resolved", "firing");
    run(List.of(aNotified, row("b", "warning", "firing", "firing")), T0.plusSeconds(330));
    NotificationPlan last = run(List.of(aResolved, bResolved), T0.plusSeconds(630));
    assertEquals("resolved", last.entries().get(0).kind());
    assertEquals(null, last.nextDue(), "no firing alert left: nothing is due until an alert changes");
  }

  @Test
  void aWebhookWithMaxAlertsGetsTheFirstOnesAndTheCountOfTheRest() {
    NotifyConfig capped = ReceiversFile.parse("t.yaml", """
        route: {receiver: hook, group_by: [alertname], group_wait: 0s}
        receivers:
          - {name: hook, kind: webhook, url: 'http://127.0.0.1:1/', max_alerts: 2}
        """);
    List<AlertRow> five = List.of("a", "b", "c", "d", "e").stream().map(n -> row(n, "warning", "firing", null)).toList();
    NotificationPlan p = new GroupPlanner(capped, "http://x").plan(five, Map.of(), T0);
    OutboxEntry e = p.entries().get(0);
    JsonObject body = new JsonObject(e.body());
    assertEquals(2, body.getJsonArray("alerts").size());
    assertEquals(3, body.getInteger("truncatedAlerts"));
    assertEquals("firing", body.getString("status"));
    assertEquals(5, e.alertIds().size(), "the group was told of all five: none is sent again as new");
    assertEquals(5, p.notified().size());
    run(five, T0);
    JsonObject uncapped = new JsonObject(run(five, T0.plusSeconds(30)).entries().get(0).body());
    assertEquals(5, uncapped.getJsonArray("alerts").size(), "without max_alerts every alert goes");
    assertEquals(0, uncapped.getInteger("truncatedAlerts"));
  }
}
