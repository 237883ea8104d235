package io.bulwark.backup;

/** A backup or check that did not pass, with a stable reason (a metric label and API field) and a human detail. */
public final class BackupFailure extends Exception {
  private final String reason;

  public BackupFailure(String reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }

  public String detail() {
    return getMessage();
  }
}
