package io.bulwark.alert.notify;

/** A receivers file that cannot be used; the message names the file and the field. */
public final class ReceiversFileException extends RuntimeException {
  public ReceiversFileException(String source, String field, String reason) {
    super(source + ": " + field + ": " + reason);
  }
}
