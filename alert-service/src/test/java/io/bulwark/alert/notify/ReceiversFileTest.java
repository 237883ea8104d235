package io.bulwark.alert.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A bad receivers file is refused with the file, the field and the reason. */
class ReceiversFileTest {
  private static final String RECEIVERS = "receivers:\n  - {name: a, kind: log}\n  - {name: hook, kind: webhook, url: 'http://127.0.0.1:1/x'}\n";

  private static String error(String yaml) {
    return assertThrows(ReceiversFileException.class, () -> ReceiversFile.parse("r.yaml", yaml)).getMessage();
  }

  @Test
  void builtInDefaultIsOneLogReceiverOnTheRoot() {
    NotifyConfig c = ReceiversFile.load(null);
    assertEquals("log", c.root().receiver());
    assertEquals(Receiver.Kind.LOG, c.receiver("log").kind());
  }

  @Test
  void unknownFieldIsNamed() {
    assertEquals("r.yaml: route.group_wiat: unknown field (allowed: [continue, group_by, group_interval, group_wait,"
        + " matchers, receiver, repeat_interval, routes])", error("route: {receiver: a, group_wiat: 1s}\n" + RECEIVERS));
  }

  @Test
  void unknownReceiverInANestedRoute() {
    String m = error("route:\n  receiver: a\n  routes:\n    - {matchers: ['x=y'], receiver: nope}\n" + RECEIVERS);
    assertTrue(m.startsWith("r.yaml: route.routes[0].receiver: 'nope' is not one of the receivers"), m);
  }

  @Test
  void badMatcherDurationUrlKindAndDuplicates() {
    assertTrue(error("route:\n  receiver: a\n  routes:\n    - {matchers: ['x=~\"(\"'], receiver: a}\n" + RECEIVERS)
        .contains("route.routes[0].matchers[0]: 'x=~\"(\"' has a bad regex"));
    assertTrue(error("route: {receiver: a, group_wait: soon}\n" + RECEIVERS).contains("route.group_wait: must be a duration"));
    assertTrue(error("route: {receiver: a}\nreceivers:\n  - {name: w, kind: webhook}\n").contains("receivers[0].url: is required"));
    assertTrue(error("route: {receiver: a}\nreceivers:\n  - {name: w, kind: webhook, url: 'ftp://x/'}\n")
        .contains("receivers[0].url: must be an http:// or https:// URL"));
    assertTrue(error("route: {receiver: a}\nreceivers:\n  - {name: a, kind: email}\n").contains("receivers[0].kind: must be one of"));
    assertTrue(error("route: {receiver: a}\nreceivers:\n  - {name: a, kind: log}\n  - {name: a, kind: log}\n")
        .contains("receivers[1].name: 'a' is defined twice"));
    assertTrue(error("route: {receiver: a}\nreceivers:\n  - {name: p, kind: pagerduty}\n")
        .contains("receivers[0].routing_key_env: is required"));
    assertTrue(error("route: {receiver: a}\nreceivers:\n  - {name: h, kind: webhook, url: 'http://x/', secret_env: MY_SECRET}\n")
        .contains("receivers[0].secret_env: must name a BULWARK_* environment variable"));
  }

  @Test
  void rootRouteRules() {
    assertTrue(error("route: {group_by: [a]}\n" + RECEIVERS).contains("route.receiver: is required on the root route"));
    assertTrue(error("route: {receiver: a, continue: true}\n" + RECEIVERS).contains("route: the root route matches every alert"));
    assertTrue(error(RECEIVERS).contains("route: is required"));
    assertTrue(error("route: {receiver: a}\n").contains("receivers: is required"));
    assertTrue(error("route: [\n").contains("(file): is not valid YAML"));
  }

  @Test
  void missingFileIsNamed() {
    String m = assertThrows(ReceiversFileException.class, () -> ReceiversFile.load("/nonexistent/receivers.yaml")).getMessage();
    assertTrue(m.startsWith("/nonexistent/receivers.yaml: (file): cannot be read"), m);
  }

  @Test
  void alertmanagerTargetIsItsV2AlertsEndpointAndPagerDutyHasADefaultUrl() {
    NotifyConfig c = ReceiversFile.parse("r.yaml", "route: {receiver: am}\nreceivers:\n"
        + "  - {name: am, kind: alertmanager, url: 'http://127.0.0.1:9093/'}\n"
        + "  - {name: pd, kind: pagerduty, routing_key_env: BULWARK_PD_KEY}\n");
    assertEquals("http://127.0.0.1:9093/api/v2/alerts", c.receiver("am").target());
    assertEquals(Receiver.PAGERDUTY_URL, c.receiver("pd").target());
  }

  @Test
  void shippedExampleIsValid() throws Exception {
    try (var in = getClass().getClassLoader().getResourceAsStream("notify/example-receivers.yaml")) {
      NotifyConfig c = ReceiversFile.parse("example", new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      assertEquals(5, c.receivers().size());
      assertEquals(java.util.List.of("pagerduty", "ops-webhook"),
          c.root().match(java.util.Map.of("severity", "critical", "alertname", "X")).stream().map(Route::receiver).toList());
    }
  }

  @Test
  void maxAlertsIsAWholeNumberOnAWebhookOnly() {
    NotifyConfig c = ReceiversFile.parse("r.yaml", "route: {receiver: hook}\nreceivers:\n"
        + "  - {name: hook, kind: webhook, url: 'http://127.0.0.1:1/x', max_alerts: 50}\n");
    assertEquals(50, c.receiver("hook").maxAlerts());
    assertEquals(0, ReceiversFile.load(null).receiver("log").maxAlerts(), "0: every alert of the group");
    assertEquals("r.yaml: receivers[0].max_alerts: must be a whole number, 0 or more (0: every alert of the group)",
        error("route: {receiver: hook}\nreceivers:\n  - {name: hook, kind: webhook, url: 'http://127.0.0.1:1/x', max_alerts: -1}\n"));
    assertTrue(error("route: {receiver: hook}\nreceivers:\n  - {name: hook, kind: webhook, url: 'http://127.0.0.1:1/x', max_alerts: lots}\n")
        .contains("max_alerts: must be a whole number"));
    assertEquals("r.yaml: receivers[0].max_alerts: only a webhook receiver truncates its payload",
        error("route: {receiver: a}\nreceivers:\n  - {name: a, kind: log, max_alerts: 5}\n"));
  }
}
