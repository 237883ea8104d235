package io.bulwark.gateway.spool;

/** What became of one batch sent to audit-service: committed, worth retrying, or never acceptable. */
record SendOutcome(Kind kind, String reason) {
  enum Kind {
    /** Committed by the ledger (new entries or the first index of a retried id). */
    ACKED,
    /** Timeout, no consumer, or a 5xx: the same batch may succeed later. */
    UNAVAILABLE,
    /** A 4xx: the batch itself is wrong, so resending it would fail forever. */
    REJECTED
  }

  static final SendOutcome ACK = new SendOutcome(Kind.ACKED, null);

  boolean acked() {
    return kind == Kind.ACKED;
  }
}
