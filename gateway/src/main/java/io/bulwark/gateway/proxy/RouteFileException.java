package io.bulwark.gateway.proxy;

import io.bulwark.shared.config.FileProblems;
import java.util.List;

/** A routes file that cannot be used; the message lists every problem found, one per line. */
public final class RouteFileException extends FileProblems {
  private static final long serialVersionUID = 1L;

  public RouteFileException(String sourceName, List<String> problems) {
    super(message(sourceName, problems), problems);
  }

  private static String message(String sourceName, List<String> problems) {
    StringBuilder sb = new StringBuilder("routes file ").append(sourceName).append(" is invalid (")
        .append(problems.size()).append(problems.size() == 1 ? " problem)" : " problems)");
    for (String p : problems) {
      sb.append("\n  - ").append(p);
    }
    return sb.toString();
  }
}
