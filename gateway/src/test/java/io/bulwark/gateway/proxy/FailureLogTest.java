package io.bulwark.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Upstream failures are logged once per route and kind per interval, with the count of those left out. */
class FailureLogTest {
  @Test
  void firstIsLoggedThenOnePerIntervalWithTheSkippedCount() {
    AtomicLong now = new AtomicLong(0);
    FailureLog log = new FailureLog(1000, now::get);
    assertEquals(0, log.admit("orders", "timeout"));
    for (int i = 0; i < 5; i++) {
      assertEquals(-1, log.admit("orders", "timeout"));
    }
    assertEquals(0, log.admit("orders", "unavailable"), "another kind has its own window");
    assertEquals(0, log.admit("billing", "timeout"), "another route has its own window");
    now.addAndGet(999_000_000L);
    assertEquals(-1, log.admit("orders", "timeout"));
    now.addAndGet(1_000_000L);
    assertEquals(6, log.admit("orders", "timeout"), "six were left out since the last line");
    assertEquals(-1, log.admit("orders", "timeout"));
  }
}
