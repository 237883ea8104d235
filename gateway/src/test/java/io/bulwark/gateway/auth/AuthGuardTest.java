package io.bulwark.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The brute-force window: the limit-th failure within the window blocks, old failures age out, memory stays bounded. */
class AuthGuardTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final AuthGuard guard = new AuthGuard(3, 60_000, 10_000, 4, now::get);

  @Test
  void theLimitThFailureInTheWindowStartsABlockThatEnds() {
    assertNull(guard.failure("ip:a"));
    assertNull(guard.failure("ip:a"));
    AuthGuard.Block b = guard.failure("ip:a");
    assertNotNull(b);
    assertEquals(3, b.failures());
    assertEquals(10_000, guard.blockedFor("ip:a"));
    assertEquals(0, guard.blockedFor("ip:b"), "other subjects are not blocked");
    now.addAndGet(9_999);
    assertEquals(1, guard.blockedFor("ip:a"));
    assertNull(guard.failure("ip:a"), "failures during a block do not start another");
    now.addAndGet(1);
    assertEquals(0, guard.blockedFor("ip:a"));
  }

  @Test
  void failuresOlderThanTheWindowDoNotCount() {
    guard.failure("key:k_x");
    guard.failure("key:k_x");
    now.addAndGet(60_000);
    assertNull(guard.failure("key:k_x"), "the first two aged out");
    assertNull(guard.failure("key:k_x"));
    assertNotNull(guard.failure("key:k_x"));
  }

  @Test
  void idleSubjectsAreSweptAndTheSubjectCountIsCapped() {
    for (int i = 0; i < 10; i++) {
      guard.failure("ip:" + i);
    }
    assertEquals(4, guard.tracked(), "no more subjects than the cap while all are recent");
    now.addAndGet(60_001);
    guard.sweep();
    assertEquals(0, guard.tracked());
  }
}
