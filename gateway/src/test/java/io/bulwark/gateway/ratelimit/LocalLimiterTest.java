package io.bulwark.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-memory limiter stays bounded however many subjects it sees, without forgetting busy ones first. */
class LocalLimiterTest {
  private final AtomicLong clock = new AtomicLong(5_000_000_000L);
  private final List<Gcra.Rate> perMinute = List.of(Gcra.Rate.of(RateLimitPolicy.of("p", 1, Duration.ofMinutes(1))));

  @Test
  void subjectsAreCappedAndTheLeastRecentlyUsedIsForgotten() {
    LocalLimiter limiter = new LocalLimiter(clock::get, 100);
    assertTrue(limiter.check(List.of("busy"), perMinute).allowed());
    for (int i = 0; i < 1000; i++) {
      limiter.check(List.of("s" + i), perMinute);
      // touching it keeps the busy subject at the young end of the access order
      assertFalse(limiter.check(List.of("busy"), perMinute).allowed(), "busy subject remembered at " + i);
      assertTrue(limiter.size() <= 100, "size " + limiter.size());
    }
    assertTrue(limiter.check(List.of("s0"), perMinute).allowed(), "an evicted subject starts with a full bucket");
  }

  @Test
  void expiredBucketsAreSweptOut() {
    LocalLimiter limiter = new LocalLimiter(clock::get, 10_000);
    for (int i = 0; i < 500; i++) {
      limiter.check(List.of("s" + i), perMinute);
    }
    assertEquals(500, limiter.size());
    clock.addAndGet(Duration.ofSeconds(61).toNanos() / 1000);
    limiter.check(List.of("fresh"), perMinute);
    assertEquals(1, limiter.size(), "only the bucket still refilling is kept");
  }
}
