package io.bulwark.ledger;

/** A signed note, checkpoint, key or proof that failed; {@link #reason()} is a stable machine-readable word. */
public final class NoteException extends Exception {
  private static final long serialVersionUID = 1L;

  public static final String MALFORMED_NOTE = "malformed-note";
  public static final String BAD_SIGNATURE = "bad-signature";
  public static final String UNKNOWN_KEY = "unknown-key";
  public static final String MALFORMED_KEY = "malformed-key";
  public static final String CHECKPOINT_MALFORMED = "checkpoint-malformed";
  public static final String ORIGIN_MISMATCH = "origin-mismatch";
  public static final String MALFORMED_PROOF = "malformed-proof";
  public static final String INCLUSION_FAILED = "inclusion-failed";

  private final String reason;

  public NoteException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public NoteException(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** One of the constants above, e.g. {@code bad-signature}. */
  public String reason() {
    return reason;
  }
}
