package io.bulwark.gateway.proxy;

import java.util.List;

/** A routes file that cannot be used; the message lists every problem found, one per line. */
public final class RouteFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient List<String> problems;

  public RouteFileException(String sourceName, List<String> problems) {
    super(message(sourceName, problems), null, false, false);
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
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
