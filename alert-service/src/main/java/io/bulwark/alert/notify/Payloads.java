package io.bulwark.alert.notify;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Request bodies in the shapes receivers already understand: Alertmanager's webhook v4 and v2 API, PagerDuty Events v2. */
public final class Payloads {
  /** Alertmanager's "not set" time in webhook payloads. */
  static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private Payloads() {}

  /** Alertmanager webhook payload version 4, for one group, with every alert. */
  public static JsonObject webhook(String receiver, String groupKey, Map<String, String> groupLabels, List<AlertRow> alerts,
                                   String externalUrl) {
    return webhook(receiver, groupKey, groupLabels, alerts, externalUrl, 0);
  }

  /**
   * As {@link #webhook(String, String, Map, List, String)} with at most {@code maxAlerts} alerts (0: all): the first
   * ones go and {@code truncatedAlerts} says how many did not, as Alertmanager's {@code max_alerts} does. The status
   * is the group's, over every alert, so a truncated list never says "resolved" while some of the group still fires.
   */
  public static JsonObject webhook(String receiver, String groupKey, Map<String, String> groupLabels, List<AlertRow> all,
                                   String externalUrl, int maxAlerts) {
    boolean firing = all.stream().anyMatch(a -> !a.resolved());
    List<AlertRow> alerts = maxAlerts > 0 && all.size() > maxAlerts ? all.subList(0, maxAlerts) : all;
    JsonArray list = new JsonArray();
    for (AlertRow a : alerts) {
      list.add(new JsonObject()
          .put("status", a.resolved() ? "resolved" : "firing")
          .put("labels", new JsonObject(new TreeMap<>(a.labels())))
          .put("annotations", new JsonObject(new TreeMap<>(a.annotations())))
          .put("startsAt", a.startsAt().toString())
          .put("endsAt", a.resolved() && a.resolvedAt() != null ? a.resolvedAt().toString() : ZERO_TIME)
          .put("generatorURL", generatorUrl(a, externalUrl))
          .put("fingerprint", a.fingerprint()));
    }
    return new JsonObject()
        .put("version", "4")
        .put("groupKey", groupKey)
        .put("truncatedAlerts", all.size() - alerts.size())
        .put("status", firing ? "firing" : "resolved")
        .put("receiver", receiver)
        .put("groupLabels", new JsonObject(new TreeMap<>(groupLabels)))
        .put("commonLabels", new JsonObject(common(alerts, true)))
        .put("commonAnnotations", new JsonObject(common(alerts, false)))
        .put("externalURL", externalUrl)
        .put("alerts", list);
  }

  /** Alertmanager {@code POST /api/v2/alerts} body: a firing alert has no endsAt (Alertmanager's resolve_timeout applies). */
  public static JsonArray alertmanager(List<AlertRow> alerts, String externalUrl) {
    JsonArray out = new JsonArray();
    for (AlertRow a : alerts) {
      JsonObject o = new JsonObject()
          .put("labels", new JsonObject(new TreeMap<>(a.labels())))
          .put("annotations", new JsonObject(new TreeMap<>(a.annotations())))
          .put("startsAt", a.startsAt().toString())
          .put("generatorURL", generatorUrl(a, externalUrl));
      if (a.resolved()) {
        o.put("endsAt", (a.resolvedAt() != null ? a.resolvedAt() : Instant.now()).toString());
      }
      out.add(o);
    }
    return out;
  }

  /** PagerDuty Events API v2 event without its routing_key (added at send time, so the key never sits in the outbox). */
  public static JsonObject pagerduty(AlertRow a, String externalUrl) {
    JsonObject event = new JsonObject()
        .put("event_action", a.resolved() ? "resolve" : "trigger")
        .put("dedup_key", a.fingerprint())
        .put("client", "Bulwark")
        .put("client_url", generatorUrl(a, externalUrl));
    if (!a.resolved()) {
      String summary = a.annotations().getOrDefault("summary", a.labels().getOrDefault("alertname", "alert"));
      event.put("payload", new JsonObject()
          .put("summary", summary.length() > 1024 ? summary.substring(0, 1024) : summary)
          .put("source", a.labels().getOrDefault("service", a.labels().getOrDefault("instance", "bulwark")))
          .put("severity", switch (a.severity()) {
            case "critical" -> "critical";
            case "warning" -> "warning";
            default -> "info";
          })
          .put("timestamp", a.startsAt().toString())
          .put("custom_details", new JsonObject()
              .put("labels", new JsonObject(new TreeMap<>(a.labels())))
              .put("annotations", new JsonObject(new TreeMap<>(a.annotations())))
              .put("state", a.state())));
    }
    return event;
  }

  static String generatorUrl(AlertRow a, String externalUrl) {
    String given = a.annotations().get("generatorURL");
    return given != null ? given : externalUrl.replaceAll("/+$", "") + "/alerts/" + a.id();
  }

  private static Map<String, Object> common(List<AlertRow> alerts, boolean labels) {
    Map<String, Object> out = new TreeMap<>();
    if (alerts.isEmpty()) {
      return out;
    }
    Map<String, String> first = new HashMap<>(labels ? alerts.get(0).labels() : alerts.get(0).annotations());
    for (Map.Entry<String, String> e : first.entrySet()) {
      boolean all = alerts.stream().allMatch(a -> e.getValue().equals((labels ? a.labels() : a.annotations()).get(e.getKey())));
      if (all) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }
}
