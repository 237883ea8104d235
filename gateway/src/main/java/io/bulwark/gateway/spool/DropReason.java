package io.bulwark.gateway.spool;

import java.util.Locale;

/** Why the spool gave up on an audit event; the {@code reason} label of the dropped counter. */
public enum DropReason {
  /** The event would never pass audit-service's checks: a bug in the caller. */
  INVALID,
  /** The in-memory queue was at its bound. */
  MEMORY_FULL,
  /** Audit-service and the database both failed, and memory had no room to hold the batch again. */
  DATABASE_UNAVAILABLE,
  /** The table already held its maximum number of rows. */
  SPOOL_FULL,
  /** Audit-service refused the batch as invalid (a 4xx reply); retrying would never succeed. */
  REJECTED,
  /** Still in memory when stop() ran out of time, or offered after it. */
  STOPPED;

  /** The label value, e.g. {@code memory_full}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
