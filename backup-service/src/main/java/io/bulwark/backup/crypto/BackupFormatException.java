package io.bulwark.backup.crypto;

import java.io.IOException;
import java.util.Objects;

/** Why an encrypted backup file cannot be read: a stable {@link #reason()} for machines plus a message for people. */
public final class BackupFormatException extends IOException {
  /** The file does not start with the encrypted-backup magic bytes. */
  public static final String NOT_ENCRYPTED = "not-encrypted";
  /** The header names a format version or layout this code does not read. */
  public static final String UNSUPPORTED_FORMAT = "unsupported-format";
  /** The file was encrypted with a key that is not configured. */
  public static final String WRONG_KEY = "wrong-key";
  /** A chunk failed authentication: the file was modified, reordered or corrupted. */
  public static final String TAMPERED = "tampered";
  /** The file ends before its final chunk. */
  public static final String TRUNCATED = "truncated";

  private final String reason;

  public BackupFormatException(String reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** One of the constants of this class, stable for check results and alerts. */
  public String reason() {
    return reason;
  }
}
