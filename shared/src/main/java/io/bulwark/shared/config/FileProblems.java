package io.bulwark.shared.config;

import java.util.List;

/** A configuration file that cannot be used, carrying every problem found so one report shows them all. */
public class FileProblems extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient List<String> problems;

  /**
   * No stack trace: the problems are the user's file, not a bug, and a trace would bury them in the start-up log.
   */
  public FileProblems(String message, List<String> problems) {
    super(message, null, false, false);
    this.problems = List.copyOf(problems);
  }

  /** Each problem on its own, typically {@code file:line: reason} or {@code file: reason}. */
  public List<String> problems() {
    return problems;
  }
}
