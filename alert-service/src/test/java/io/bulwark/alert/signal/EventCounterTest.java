package io.bulwark.alert.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bulwark.shared.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventCounterTest {
  static final Instant T0 = Instant.parse("2026-11-23T00:00:00Z");

  static EventWatch spike(String id, Map<String, String> match) {
    return new EventWatch(id, "auth", match, "subject", null, Duration.ofMinutes(5));
  }

  @Test
  void countsBusBroadcastsPerGroup() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      EventCounter c = new EventCounter(Clock.systemUTC());
      c.watch(List.of(spike("w", Map.of())));
      c.start(vertx).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      for (int i = 0; i < 3; i++) {
        vertx.eventBus().publish(Addresses.GATEWAY_AUTH_EVENTS, new JsonObject().put("v", 1).put("subject", "ip:1.2.3.4")
            .put("origin", "gw-1"));
      }
      vertx.eventBus().publish(Addresses.GATEWAY_AUTH_EVENTS, "not json");
      long deadline = System.currentTimeMillis() + 5000;
      while (c.counts("w", Duration.ofMinutes(1), Instant.now().plusSeconds(1)).getOrDefault("ip:1.2.3.4", 0) < 3) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("events not counted");
        }
        Thread.sleep(10);
      }
      c.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void matchWindowAndRewatch() {
    EventCounter c = new EventCounter(Clock.systemUTC());
    c.watch(List.of(spike("a", Map.of("origin", "gw-1"))));
    c.record("auth", new JsonObject().put("subject", "key:k1").put("origin", "gw-1"), T0);
    c.record("auth", new JsonObject().put("subject", "key:k1").put("origin", "gw-2"), T0);
    c.record("audit", new JsonObject().put("subject", "key:k1").put("origin", "gw-1"), T0);
    c.record("auth", new JsonObject().put("subject", "key:k1").put("origin", "gw-1"), T0.plusSeconds(90));
    assertEquals(Map.of("key:k1", 2), c.counts("a", Duration.ofMinutes(5), T0.plusSeconds(100)));
    assertEquals(Map.of("key:k1", 1), c.counts("a", Duration.ofMinutes(1), T0.plusSeconds(100)));
    c.watch(List.of(spike("a", Map.of("origin", "gw-1")), spike("b", Map.of())));
    assertEquals(Map.of("key:k1", 2), c.counts("a", Duration.ofMinutes(5), T0.plusSeconds(100)), "kept across rewatch");
    c.watch(List.of(spike("b", Map.of())));
    assertEquals(Map.of(), c.counts("a", Duration.ofMinutes(5), T0.plusSeconds(100)), "dropped with its rule");
  }

  @Test
  void boundedGroups() {
    EventCounter c = new EventCounter(Clock.systemUTC());
    c.watch(List.of(spike("a", Map.of())));
    for (int i = 0; i < EventCounter.MAX_GROUPS + 50; i++) {
      c.record("auth", new JsonObject().put("subject", "ip:" + i), T0);
    }
    assertEquals(EventCounter.MAX_GROUPS, c.counts("a", Duration.ofMinutes(5), T0).size());
  }
}
