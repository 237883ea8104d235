package io.bulwark.backup.pg;

import java.io.IOException;
import java.util.List;
import java.util.Objects;

/** A PostgreSQL client program is not installed where Bulwark looks; the message says where it looked and how to fix it. */
public final class MissingToolException extends IOException {
  private final String tool;
  private final List<String> searched;

  public MissingToolException(String tool, List<String> searched, String message) {
    super(message);
    this.tool = Objects.requireNonNull(tool, "tool");
    this.searched = List.copyOf(searched);
  }

  /** The program that is missing, such as {@code pg_dump}. */
  public String tool() {
    return tool;
  }

  /** The directories that were searched, in order. */
  public List<String> searched() {
    return searched;
  }
}
