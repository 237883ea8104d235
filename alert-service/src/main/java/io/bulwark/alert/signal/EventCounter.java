package io.bulwark.alert.signal;

import io.bulwark.shared.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts bus broadcasts for the event rules: timestamps per (watch, group value), bounded in groups per watch and in
 * timestamps per group (beyond the bound the oldest go: a spike rule only needs to know the count reached its
 * threshold). Sources: {@code backup}, {@code auth}, {@code audit}, {@code keys}.
 */
public final class EventCounter {
  public static final Map<String, String> SOURCES = Map.of("backup", Addresses.BACKUP_EVENTS,
      "auth", Addresses.GATEWAY_AUTH_EVENTS, "audit", Addresses.AUDIT_EVENTS, "keys", Addresses.GATEWAY_KEYS_EVENTS);
  static final int MAX_GROUPS = 10_000;
  static final int MAX_PER_GROUP = 10_000;
  /** The group of a watch without {@code groupBy}, and of an event lacking the field. */
  public static final String NO_GROUP = "";

  private static final class Group {
    final ArrayDeque<Long> matches = new ArrayDeque<>();
    long lastClear = Long.MIN_VALUE;
  }

  private final Clock clock;
  private volatile List<EventWatch> watches = List.of();
  private final Map<String, Map<String, Group>> groups = new ConcurrentHashMap<>();
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  /** Pruning walks every group of a watch: at most once a second, so a flood of events from many IPs stays cheap. */
  private final Map<String, Long> lastPrune = new ConcurrentHashMap<>();

  public EventCounter(Clock clock) {
    this.clock = clock;
  }

  /** Subscribes to the four broadcasts. */
  public Future<Void> start(Vertx vertx) {
    List<Future<Void>> done = new ArrayList<>();
    SOURCES.forEach((source, address) -> {
      MessageConsumer<Object> c = vertx.eventBus().consumer(address, msg -> {
        if (msg.body() instanceof JsonObject body) {
          record(source, body, clock.instant());
        }
      });
      consumers.add(c);
      done.add(c.completion());
    });
    return Future.all(done).mapEmpty();
  }

  public Future<Void> stop() {
    return Future.join(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  /** Replaces the watches (on a rules change); counts of a watch whose id survives are kept. */
  public void watch(List<EventWatch> next) {
    watches = List.copyOf(next);
    groups.keySet().retainAll(next.stream().map(EventWatch::id).toList());
    lastPrune.keySet().retainAll(groups.keySet());
  }

  /** Counts {@code body} from {@code source} against every watch it matches. */
  public void record(String source, JsonObject body, Instant at) {
    long t = at.toEpochMilli();
    for (EventWatch w : watches) {
      if (!w.source().equals(source)) {
        continue;
      }
      boolean match = matches(w.match(), body);
      boolean clear = w.clear() != null && matches(w.clear(), body);
      if (!match && !clear) {
        continue;
      }
      String group = w.groupBy() == null ? NO_GROUP : String.valueOf(body.getValue(w.groupBy(), NO_GROUP));
      Map<String, Group> byGroup = groups.computeIfAbsent(w.id(), k -> new ConcurrentHashMap<>());
      synchronized (byGroup) {
        Long pruned = lastPrune.get(w.id());
        if (pruned == null || t - pruned >= 1000 || t < pruned) {
          lastPrune.put(w.id(), t);
          prune(byGroup, w, t);
        }
        Group g = byGroup.get(group);
        if (g == null) {
          if (byGroup.size() >= MAX_GROUPS) {
            continue;
          }
          g = new Group();
          byGroup.put(group, g);
        }
        if (clear) {
          g.lastClear = t;
        } else {
          g.matches.addLast(t);
          if (g.matches.size() > MAX_PER_GROUP) {
            g.matches.removeFirst();
          }
        }
      }
    }
  }

  /** Matching events per group within ({@code now - window}, {@code now}]. */
  public Map<String, Integer> counts(String watchId, Duration window, Instant now) {
    Map<String, Integer> out = new HashMap<>();
    long from = now.toEpochMilli() - window.toMillis();
    long to = now.toEpochMilli();
    forEachGroup(watchId, (name, g) -> {
      int n = (int) g.matches.stream().filter(t -> t > from && t <= to).count();
      if (n > 0) {
        out.put(name, n);
      }
    });
    return out;
  }

  /** Per group, the time of the last matching event that no clearing event followed, when within {@code hold}. */
  public Map<String, Instant> active(String watchId, Duration hold, Instant now) {
    Map<String, Instant> out = new HashMap<>();
    long from = now.toEpochMilli() - hold.toMillis();
    forEachGroup(watchId, (name, g) -> {
      Long last = g.matches.peekLast();
      if (last != null && last > from && last <= now.toEpochMilli() && last > g.lastClear) {
        out.put(name, Instant.ofEpochMilli(last));
      }
    });
    return out;
  }

  private void forEachGroup(String watchId, java.util.function.BiConsumer<String, Group> action) {
    Map<String, Group> byGroup = groups.get(watchId);
    if (byGroup != null) {
      synchronized (byGroup) {
        byGroup.forEach(action);
      }
    }
  }

  private static void prune(Map<String, Group> byGroup, EventWatch w, long now) {
    long cutoff = now - w.keep().toMillis();
    byGroup.values().removeIf(g -> {
      while (!g.matches.isEmpty() && g.matches.peekFirst() < cutoff) {
        g.matches.removeFirst();
      }
      return g.matches.isEmpty() && g.lastClear < cutoff;
    });
  }

  private static boolean matches(Map<String, String> want, JsonObject body) {
    for (Map.Entry<String, String> e : want.entrySet()) {
      Object v = body.getValue(e.getKey());
      if (v == null || !String.valueOf(v).equals(e.getValue())) {
        return false;
      }
    }
    return true;
  }
}
