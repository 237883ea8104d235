package io.bulwark.alert.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bulwark.alert.lifecycle.LabelMatcher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which receivers an alert reaches: exact and regex matchers, continue, nested routes, inherited defaults. */
class RoutingTreeTest {
  private static final String FILE = """
      route:
        receiver: default
        group_by: [alertname]
        group_wait: 10s
        routes:
          - matchers: ['severity="critical"']
            receiver: pager
            group_wait: 1s
            continue: true
            routes:
              - matchers: ['service=~"gate.*"']
                receiver: gateway-team
          - matchers: ['severity=~"critical|warning"', 'team!="none"']
            receiver: chat
            group_by: ['...']
          - matchers: [service="backup"]
            receiver: backup-hook
            repeat_interval: 1h
      receivers:
        - {name: default, kind: log}
        - {name: pager, kind: pagerduty, routing_key_env: BULWARK_PD_KEY}
        - {name: gateway-team, kind: webhook, url: "http://127.0.0.1:1/hook"}
        - {name: chat, kind: webhook, url: "http://127.0.0.1:1/chat", secret_env: BULWARK_CHAT_SECRETS}
        - {name: backup-hook, kind: alertmanager, url: "http://127.0.0.1:9093/"}
      """;
  private final Route root = ReceiversFile.parse("test.yaml", FILE).root();

  private List<String> receivers(Map<String, String> labels) {
    return root.match(labels).stream().map(Route::receiver).toList();
  }

  @Test
  void noChildMatchesGoesToTheRoot() {
    assertEquals(List.of("default"), receivers(Map.of("alertname", "X", "severity", "info")));
  }

  @Test
  void continueLetsLaterSiblingsMatchToo() {
    assertEquals(List.of("pager", "chat"), receivers(Map.of("alertname", "X", "severity", "critical")));
  }

  @Test
  void nestedRouteWinsOverItsParentAndContinueOfTheParentStillApplies() {
    assertEquals(List.of("gateway-team", "chat"),
        receivers(Map.of("alertname", "X", "severity", "critical", "service", "gateway")));
  }

  @Test
  void regexIsAnchoredAndNegativeMatchersExclude() {
    assertEquals(List.of("default"), receivers(Map.of("severity", "warningish")));
    assertEquals(List.of("default"), receivers(Map.of("severity", "warning", "team", "none")));
    assertEquals(List.of("chat"), receivers(Map.of("severity", "warning", "team", "ops")));
  }

  @Test
  void firstMatchWithoutContinueStops() {
    // chat matches first (no continue), so backup-hook is not reached
    assertEquals(List.of("chat"), receivers(Map.of("severity", "warning", "service", "backup")));
    assertEquals(List.of("backup-hook"), receivers(Map.of("severity", "info", "service", "backup")));
  }

  @Test
  void defaultsAreInheritedAndOverridden() {
    Route pager = root.routes().get(0);
    Route gateway = pager.routes().get(0);
    Route chat = root.routes().get(1);
    Route backup = root.routes().get(2);
    assertEquals(Duration.ofSeconds(1), gateway.groupWait());
    assertEquals(List.of("alertname"), gateway.groupBy());
    assertEquals(Duration.ofMinutes(5), gateway.groupInterval());
    assertEquals(List.of("..."), chat.groupBy());
    assertEquals(Duration.ofSeconds(10), chat.groupWait());
    assertEquals(Duration.ofHours(1), backup.repeatInterval());
    assertEquals(Duration.ofHours(4), root.repeatInterval());
    assertEquals("0.0.0", gateway.id());
  }

  @Test
  void matcherSyntax() {
    assertEquals("a=\"b\"", LabelMatcher.parse("a=b").toString());
    assertEquals("a!~\"x|y\"", LabelMatcher.parse("a!~\"x|y\"").toString());
    assertEquals(true, LabelMatcher.parse("missing=\"\"").matches(Map.of()));
    assertEquals(false, LabelMatcher.parse("missing!=\"\"").matches(Map.of()));
  }
}
