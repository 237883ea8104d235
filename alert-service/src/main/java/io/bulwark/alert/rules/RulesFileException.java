package io.bulwark.alert.rules;

import io.bulwark.shared.config.FileProblems;
import java.util.List;

/** A rules file that cannot be used, with every problem found as {@code file:line: reason}. */
public final class RulesFileException extends FileProblems {
  private static final long serialVersionUID = 1L;

  public RulesFileException(String source, List<String> problems) {
    super("rules file " + source + " has " + problems.size() + " problem(s):\n  " + String.join("\n  ", problems),
        problems);
  }
}
