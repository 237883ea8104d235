package io.bulwark.alert.notify;

import io.bulwark.shared.config.FileProblems;
import java.util.List;

/** A receivers file that cannot be used; the message names the file and the field. */
public final class ReceiversFileException extends FileProblems {
  private static final long serialVersionUID = 1L;

  public ReceiversFileException(String source, String field, String reason) {
    this(List.of(source + ": " + field + ": " + reason));
  }

  /** Every problem, each naming the file (a file that cannot be read at all gives one). */
  public ReceiversFileException(List<String> problems) {
    super(String.join("; ", problems), problems);
  }
}
