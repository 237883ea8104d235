package io.bulwark.gateway.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Brute-force protection: {@code limit} authentication failures of one subject (a source address, or the key id a
 * guessed key claims) within {@code windowMs} block that subject for {@code blockMs}. Memory stays bounded: idle
 * subjects are swept, and past {@code maxSubjects} new subjects are tracked only once the sweep made room.
 */
public final class AuthGuard {
  private final int limit;
  private final long windowMs;
  private final long blockMs;
  private final int maxSubjects;
  private final LongSupplier clock;
  private final Map<String, Subject> subjects = new ConcurrentHashMap<>();

  /** A block that has just begun. */
  public record Block(String subject, long untilMs, int failures) {}

  /** Failure times inside the window (oldest first), the end of an active block, the last failure. */
  private record Subject(long[] failures, long blockedUntil, long lastSeen) {}

  public AuthGuard(int limit, long windowMs, long blockMs, int maxSubjects, LongSupplier clockMs) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.blockMs = blockMs;
    this.maxSubjects = maxSubjects;
    this.clock = clockMs;
  }

  /** Milliseconds the subject stays blocked, 0 when it is not blocked. */
  public long blockedFor(String subject) {
    Subject s = subjects.get(subject);
    if (s == null) {
      return 0;
    }
    return Math.max(0, s.blockedUntil() - clock.getAsLong());
  }

  /** Records a failure; returns the block it started, if this failure reached the limit. */
  public Block failure(String subject) {
    long now = clock.getAsLong();
    if (!subjects.containsKey(subject) && subjects.size() >= maxSubjects) {
      sweep();
      if (subjects.size() >= maxSubjects) {
        return null;
      }
    }
    Block[] started = new Block[1];
    // compute is atomic per subject, so two event loops failing for the same source cannot lose a count
    subjects.compute(subject, (k, s) -> {
      if (s != null && s.blockedUntil() > now) {
        return s;
      }
      long[] old = s == null ? new long[0] : s.failures();
      int keep = 0;
      while (keep < old.length && old[keep] <= now - windowMs) {
        keep++;
      }
      long[] next = new long[old.length - keep + 1];
      System.arraycopy(old, keep, next, 0, old.length - keep);
      next[next.length - 1] = now;
      if (next.length >= limit) {
        started[0] = new Block(subject, now + blockMs, next.length);
        return new Subject(new long[0], now + blockMs, now);
      }
      return new Subject(next, 0, now);
    });
    return started[0];
  }

  /** Forgets subjects with no recent failure and no active block. */
  public void sweep() {
    long now = clock.getAsLong();
    subjects.entrySet().removeIf(e -> e.getValue().blockedUntil() <= now && e.getValue().lastSeen() <= now - windowMs);
  }

  public int tracked() {
    return subjects.size();
  }

  public long windowMs() {
    return windowMs;
  }
}
