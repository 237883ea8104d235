package io.bulwark.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The GCRA math: bursts, steady rates, the exact numbers clients are told, all-or-nothing across subjects, and random
 * traffic against an independent reference (the continuous-state leaky bucket, with its numbers found by search).
 */
class GcraTest {
  private static final long BASE = 1_700_000_000_000_000L;
  private final AtomicLong clock = new AtomicLong(BASE);
  private final LocalLimiter limiter = new LocalLimiter(clock::get, 1000);

  private Gcra.Verdict check(RateLimitPolicy... policies) {
    List<String> keys = new ArrayList<>();
    List<Gcra.Rate> rates = new ArrayList<>();
    for (RateLimitPolicy p : policies) {
      keys.add(p.name() + ":subject");
      rates.add(Gcra.Rate.of(p));
    }
    return limiter.check(keys, rates);
  }

  private static RateLimitPolicy policy(String name, long limit, Duration period, long burst) {
    return new RateLimitPolicy(name, limit, period, burst, RateLimitPolicy.Scope.KEY);
  }

  @ParameterizedTest(name = "{0} per {1} ms, burst {2}")
  @CsvSource({"10, 1000, 10", "100, 1000, 200", "5, 60000, 1", "3, 1000, 7", "1000, 3600000, 1000", "7, 100, 2"})
  void burstPassesAtOnceThenOnePerInterval(long limit, long periodMs, long burst) {
    RateLimitPolicy p = policy("p", limit, Duration.ofMillis(periodMs), burst);
    long t = p.intervalMicros();
    for (int i = 0; i < burst; i++) {
      assertTrue(check(p).allowed(), "request " + (i + 1) + " of the burst");
    }
    assertFalse(check(p).allowed(), "one past the burst");
    for (int step = 0; step < 5; step++) {
      clock.addAndGet(t - 1);
      assertFalse(check(p).allowed(), "a microsecond before the next interval");
      clock.addAndGet(1);
      assertTrue(check(p).allowed(), "exactly one interval later");
      assertFalse(check(p).allowed(), "only one per interval");
    }
  }

  @Test
  void numbersAtChosenInstants() {
    // T = 1 s, tau = 9 s: ten at once, then one a second
    RateLimitPolicy p = policy("p", 60, Duration.ofMinutes(1), 10);
    for (int i = 1; i <= 10; i++) {
      Gcra.Verdict v = check(p);
      assertTrue(v.allowed());
      assertEquals(10 - i, v.remaining());
      assertEquals(i, v.resetSeconds(), "bucket refills one second per request taken");
      assertEquals(0, v.retryAfterSeconds());
    }
    Gcra.Verdict rejected = check(p);
    assertEquals(List.of(false, 0L, 10L, 1L), List.of(rejected.allowed(), rejected.remaining(), rejected.resetSeconds(),
        rejected.retryAfterSeconds()));
    assertEquals(1_000_000, rejected.retryAfterMicros());

    clock.addAndGet(2_500_000);
    Gcra.Verdict a = check(p);
    assertEquals(List.of(true, 1L, 9L, 0L), List.of(a.allowed(), a.remaining(), a.resetSeconds(), a.retryAfterSeconds()));
    assertEquals(8_500_000, a.resetMicros());
    Gcra.Verdict b = check(p);
    assertEquals(List.of(true, 0L, 10L), List.of(b.allowed(), b.remaining(), b.resetSeconds()));
    Gcra.Verdict c = check(p);
    assertEquals(List.of(false, 0L, 10L, 1L), List.of(c.allowed(), c.remaining(), c.resetSeconds(), c.retryAfterSeconds()));
    assertEquals(500_000, c.retryAfterMicros());
    clock.addAndGet(500_000);
    assertTrue(check(p).allowed(), "passes exactly when it was told to come back");

    // one a minute, no burst: the wait is the rest of the minute, rounded up
    RateLimitPolicy slow = policy("slow", 1, Duration.ofMinutes(1), 1);
    Gcra.Verdict first = check(slow);
    assertEquals(List.of(true, 0L, 60L), List.of(first.allowed(), first.remaining(), first.resetSeconds()));
    clock.addAndGet(500_000);
    Gcra.Verdict second = check(slow);
    assertEquals(List.of(false, 60L, 60L), List.of(second.allowed(), second.resetSeconds(), second.retryAfterSeconds()));
    assertEquals(59_500_000, second.retryAfterMicros());
  }

  @Test
  void aRejectionBySubjectLeavesTheOtherUntouched() {
    RateLimitPolicy narrow = policy("narrow", 2, Duration.ofHours(1), 2);
    RateLimitPolicy wide = policy("wide", 100, Duration.ofHours(1), 5);
    check(narrow);
    check(narrow);
    assertEquals(4, check(wide).remaining());
    for (int i = 0; i < 3; i++) {
      Gcra.Verdict both = check(wide, narrow);
      assertFalse(both.allowed());
      assertEquals(1, both.binding(), "the narrow policy decided");
    }
    assertEquals(3, check(wide).remaining(), "the rejected pairs took nothing from the wide bucket");

    // straight on the math: rejected TATs come back as stored (or now), allowed ones move by T
    List<Gcra.Rate> rates = List.of(new Gcra.Rate(10, 0), new Gcra.Rate(7, 70));
    Gcra.Verdict r = Gcra.check(1000, rates, new long[] {1005, 1020});
    assertFalse(r.allowed());
    assertArrayEquals(new long[] {1005, 1020}, r.tats());
    Gcra.Verdict ok = Gcra.check(1005, rates, new long[] {1005, 1020});
    assertTrue(ok.allowed());
    assertArrayEquals(new long[] {1015, 1027}, ok.tats());
    assertEquals(0, ok.binding(), "least remaining binds: none left for the first");
  }

  @Test
  void secondsRoundUp() {
    assertEquals(List.of(0L, 0L, 1L, 1L, 2L), List.of(Gcra.ceilSeconds(-5), Gcra.ceilSeconds(0), Gcra.ceilSeconds(1),
        Gcra.ceilSeconds(1_000_000), Gcra.ceilSeconds(1_000_001)));
  }

  @Test
  void randomTrafficMatchesTheLeakyBucketReference() {
    for (long seed = 1; seed <= 40; seed++) {
      Random rnd = new Random(seed);
      int subjects = 1 + rnd.nextInt(4);
      List<Gcra.Rate> rates = new ArrayList<>();
      List<Reference> models = new ArrayList<>();
      for (int i = 0; i < subjects; i++) {
        long t = 1 + rnd.nextInt(40);
        long burst = 1 + rnd.nextInt(6);
        rates.add(new Gcra.Rate(t, t * (burst - 1)));
        models.add(new Reference(t, t * (burst - 1)));
      }
      AtomicLong now = new AtomicLong(BASE + rnd.nextInt(1000));
      LocalLimiter local = new LocalLimiter(now::get, 100);
      for (int step = 0; step < 3000; step++) {
        now.addAndGet(rnd.nextInt(3) == 0 ? 0 : rnd.nextInt((int) (rates.get(0).intervalMicros() * 3)));
        List<Integer> pick = new ArrayList<>();
        for (int i = 0; i < subjects; i++) {
          if (rnd.nextBoolean()) {
            pick.add(i);
          }
        }
        if (pick.isEmpty()) {
          pick.add(rnd.nextInt(subjects));
        }
        Collections.shuffle(pick, rnd);
        List<String> keys = new ArrayList<>();
        List<Gcra.Rate> picked = new ArrayList<>();
        List<Reference> refs = new ArrayList<>();
        for (int i : pick) {
          keys.add("s" + i);
          picked.add(rates.get(i));
          refs.add(models.get(i));
        }
        Gcra.Verdict got = local.check(keys, picked);
        Gcra.Verdict want = Reference.decide(now.get(), refs);
        String where = "seed " + seed + " step " + step;
        assertEquals(want.allowed(), got.allowed(), where);
        assertEquals(want.binding(), got.binding(), where);
        assertEquals(want.remaining(), got.remaining(), where);
        assertEquals(want.resetMicros(), got.resetMicros(), where);
        assertEquals(want.retryAfterMicros(), got.retryAfterMicros(), where);
      }
    }
  }

  /**
   * ITU-T I.371's continuous-state leaky bucket: content X drains one µs per µs, a conforming cell adds T, a cell that
   * would find more than tau in the bucket is rejected. Remaining, reset and retry are found by trying arrivals.
   */
  private static final class Reference {
    final long t;
    final long tau;
    long x;
    long lct = Long.MIN_VALUE;

    Reference(long t, long tau) {
      this.t = t;
      this.tau = tau;
    }

    Reference copy() {
      Reference r = new Reference(t, tau);
      r.x = x;
      r.lct = lct;
      return r;
    }

    long drained(long at) {
      return lct == Long.MIN_VALUE ? 0 : Math.max(0, x - (at - lct));
    }

    boolean conforms(long at) {
      return drained(at) <= tau;
    }

    void take(long at) {
      x = drained(at) + t;
      lct = at;
    }

    long remaining(long at) {
      Reference r = copy();
      long n = 0;
      while (r.conforms(at)) {
        r.take(at);
        n++;
      }
      return n;
    }

    /** Smallest d with burst arrivals at once conforming: the bucket is full again. */
    long reset(long at) {
      long burst = tau / t + 1;
      return search(at, d -> copy().remaining(at + d) >= burst);
    }

    long retry(long at) {
      return search(at, d -> conforms(at + d));
    }

    long search(long at, java.util.function.LongPredicate ok) {
      long lo = 0;
      long hi = drained(at) + t + 1;
      while (lo < hi) {
        long mid = (lo + hi) / 2;
        if (ok.test(mid)) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      return lo;
    }

    static Gcra.Verdict decide(long at, List<Reference> refs) {
      boolean allowed = refs.stream().allMatch(r -> r.conforms(at));
      if (allowed) {
        refs.forEach(r -> r.take(at));
      }
      int binding = 0;
      for (int i = 1; i < refs.size(); i++) {
        boolean better = allowed ? refs.get(i).remaining(at) < refs.get(binding).remaining(at)
            : refs.get(i).retry(at) > refs.get(binding).retry(at);
        if (better) {
          binding = i;
        }
      }
      Reference b = refs.get(binding);
      return new Gcra.Verdict(allowed, binding, allowed ? b.remaining(at) : 0, b.reset(at), allowed ? 0 : b.retry(at), null);
    }
  }
}
