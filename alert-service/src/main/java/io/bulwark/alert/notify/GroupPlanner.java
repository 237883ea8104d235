package io.bulwark.alert.notify;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Decides, from the alerts and what each group was already told, which notifications are due now. Pure and deterministic
 * (same inputs, same plan), so it is unit-tested without a database; {@link OutboxStore} runs it inside the transaction
 * that commits its result.
 *
 * <p>Per group (receiver + route + group_by values): a change (an alert newly firing, or a notified one resolved) is sent
 * group_wait after the group appeared, later changes at most every group_interval; a group with firing alerts and no
 * change is re-sent after repeat_interval. An alert's notified_state becomes 'firing' once every group it belongs to has
 * sent it, 'resolved' once none still holds it as firing.
 */
public final class GroupPlanner {
  private final NotifyConfig config;
  private final String externalUrl;

  public GroupPlanner(NotifyConfig config, String externalUrl) {
    this.config = config;
    this.externalUrl = externalUrl;
  }

  /** A group of alerts as routing put them together. */
  record Group(String key, Route route, Map<String, String> groupLabels, List<AlertRow> alerts) {}

  public NotificationPlan plan(List<AlertRow> alerts, Map<String, GroupState> states, Instant now) {
    Map<String, Group> groups = group(alerts);
    Map<UUID, List<String>> groupsOfAlert = new HashMap<>();
    groups.values().forEach(g -> g.alerts().forEach(a -> groupsOfAlert.computeIfAbsent(a.id(), k -> new ArrayList<>()).add(g.key())));
    List<OutboxEntry> entries = new ArrayList<>();
    List<GroupState> upserts = new ArrayList<>();
    Set<String> deletes = new HashSet<>();
    Map<String, Set<UUID>> sentAfter = new HashMap<>();
    Map<String, Instant> changeEligible = new HashMap<>();
    Instant nextDue = null;
    for (Group g : groups.values()) {
      GroupState state = states.get(g.key());
      boolean fresh = state == null;
      Set<UUID> sent = state == null ? Set.of() : state.sentFiring();
      List<AlertRow> current = g.alerts().stream().filter(AlertRow::unmutedFiring).toList();
      List<AlertRow> newFiring = current.stream().filter(a -> !sent.contains(a.id())).toList();
      List<AlertRow> resolvedNow = g.alerts().stream()
          .filter(a -> a.resolved() && (sent.contains(a.id()) || (fresh && "firing".equals(a.notifiedState()))))
          .toList();
      boolean changed = !newFiring.isEmpty() || !resolvedNow.isEmpty();
      Set<UUID> inGroup = g.alerts().stream().map(AlertRow::id).collect(Collectors.toSet());
      Set<UUID> kept = new HashSet<>(sent);
      kept.retainAll(inGroup);
      if (state == null && changed) {
        state = new GroupState(g.key(), g.route().receiver(), now, null, Set.of());
        upserts.add(state);
      }
      boolean due = false;
      if (changed) {
        due = state.lastSentAt() == null
            ? !now.isBefore(state.firstSeenAt().plus(g.route().groupWait()))
            : !now.isBefore(state.lastSentAt().plus(g.route().groupInterval()));
      } else if (!current.isEmpty() && state != null && state.lastSentAt() != null) {
        due = !now.isBefore(state.lastSentAt().plus(g.route().repeatInterval()));
      }
      GroupState after = state;
      if (due) {
        List<AlertRow> body = new ArrayList<>(current);
        body.addAll(resolvedNow);
        body.sort(Comparator.comparing(AlertRow::startsAt).thenComparing(AlertRow::fingerprint));
        Instant firstActive = newFiring.stream().filter(a -> a.notifiedState() == null).map(AlertRow::activeAt)
            .min(Comparator.naturalOrder()).orElse(null);
        entries.addAll(entries(g, body, current.isEmpty() ? "resolved" : "firing", firstActive));
        kept.addAll(current.stream().map(AlertRow::id).toList());
        resolvedNow.forEach(a -> kept.remove(a.id()));
        upserts.removeIf(s -> s.groupKey().equals(g.key()));
        after = new GroupState(g.key(), g.route().receiver(), state.firstSeenAt(), now, Set.copyOf(kept));
        upserts.add(after);
      } else if (state != null && !changed && current.isEmpty() && kept.isEmpty()) {
        deletes.add(g.key());
        after = null;
      } else if (state != null && !kept.equals(sent) && !upserts.contains(state)) {
        upserts.add(new GroupState(g.key(), state.receiver(), state.firstSeenAt(), state.lastSentAt(), Set.copyOf(kept)));
      }
      sentAfter.put(g.key(), kept);
      if (after != null) {
        Instant eligible = after.lastSentAt() == null ? after.firstSeenAt().plus(g.route().groupWait())
            : after.lastSentAt().plus(g.route().groupInterval());
        changeEligible.put(g.key(), eligible);
        if (changed && !due) {
          nextDue = earliest(nextDue, eligible);
        }
        if (!current.isEmpty() && after.lastSentAt() != null) {
          nextDue = earliest(nextDue, after.lastSentAt().plus(g.route().repeatInterval()));
        }
      }
    }
    // groups nobody routes to any more (alerts gone, or the receivers file changed) are forgotten
    states.keySet().stream().filter(k -> !groups.containsKey(k)).forEach(deletes::add);
    Map<UUID, String> notified = new LinkedHashMap<>();
    for (AlertRow a : alerts) {
      List<String> keys = groupsOfAlert.getOrDefault(a.id(), List.of());
      if (a.unmutedFiring() && !"firing".equals(a.notifiedState())
          && keys.stream().allMatch(k -> sentAfter.getOrDefault(k, Set.of()).contains(a.id()))) {
        notified.put(a.id(), "firing");
      } else if (a.resolved() && "firing".equals(a.notifiedState())
          && keys.stream().noneMatch(k -> sentAfter.getOrDefault(k, Set.of()).contains(a.id()))) {
        notified.put(a.id(), "resolved");
      }
    }
    return new NotificationPlan(entries, upserts, deletes, notified, changeEligible, nextDue);
  }

  private static Instant earliest(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }

  /** The keys of the groups routing puts an alert with these labels in. */
  public Set<String> groupKeys(Map<String, String> labels) {
    Set<String> keys = new HashSet<>();
    for (Route r : config.root().match(labels)) {
      keys.add(key(r, groupLabels(r, labels)));
    }
    return keys;
  }

  Map<String, Group> group(List<AlertRow> alerts) {
    Map<String, Group> groups = new TreeMap<>();
    for (AlertRow a : alerts) {
      for (Route r : config.root().match(a.labels())) {
        Map<String, String> labels = groupLabels(r, a.labels());
        groups.computeIfAbsent(key(r, labels), k -> new Group(k, r, labels, new ArrayList<>())).alerts().add(a);
      }
    }
    return groups;
  }

  private static Map<String, String> groupLabels(Route r, Map<String, String> alertLabels) {
    Map<String, String> labels = new TreeMap<>();
    if (r.groupsByAll()) {
      labels.putAll(alertLabels);
    } else {
      r.groupBy().forEach(l -> {
        if (alertLabels.containsKey(l)) {
          labels.put(l, alertLabels.get(l));
        }
      });
    }
    return labels;
  }

  private static String key(Route r, Map<String, String> groupLabels) {
    return r.receiver() + "/" + r.id() + "/" + render(groupLabels);
  }

  private List<OutboxEntry> entries(Group g, List<AlertRow> body, String kind, Instant firstActive) {
    Receiver receiver = config.receiver(g.route().receiver());
    List<UUID> ids = body.stream().map(AlertRow::id).toList();
    List<String> fps = body.stream().map(AlertRow::fingerprint).toList();
    return switch (receiver.kind()) {
      case PAGERDUTY -> body.stream().map(a -> new OutboxEntry(receiver.name(), g.key(), a.resolved() ? "resolved" : "firing",
          Payloads.pagerduty(a, externalUrl).encode(), List.of(a.id()), List.of(a.fingerprint()),
          a.notifiedState() == null && !a.resolved() ? a.activeAt() : null)).toList();
      case ALERTMANAGER -> List.of(new OutboxEntry(receiver.name(), g.key(), kind,
          Payloads.alertmanager(body, externalUrl).encode(), ids, fps, firstActive));
      default -> List.of(new OutboxEntry(receiver.name(), g.key(), kind,
          Payloads.webhook(receiver.name(), g.key(), g.groupLabels(), body, externalUrl, receiver.maxAlerts()).encode(), ids,
          fps, firstActive));
    };
  }

  /** {@code {alertname="X",service="gateway"}}: the group_by values in label syntax. */
  static String render(Map<String, String> labels) {
    return labels.entrySet().stream()
        .map(e -> e.getKey() + "=\"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
        .collect(Collectors.joining(",", "{", "}"));
  }
}
