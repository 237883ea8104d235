package io.bulwark.shared.lifecycle;

import java.io.PrintStream;

/**
 * What the operator's terminal shows once the services are up: where they listen, and first-run notices such as a
 * generated admin key. This goes to the terminal and never to the log, because notices may hold a secret shown once.
 */
public final class FirstRun {
  private FirstRun() {}

  public static void printNotices(Bulwark running) {
    print(running, System.out);
  }

  static void print(Bulwark running, PrintStream out) {
    StringBuilder sb = new StringBuilder("\nBulwark is up\n");
    for (ServiceRunner r : running.runners()) {
      ServiceContext c = r.context();
      if (c.ports().http() > 0) {
        sb.append(String.format("  %-8s traffic     http://%s:%d/%n", r.name(), c.config().bindHost(), c.ports().http()));
      }
      sb.append(String.format("  %-8s management  http://%s:%d/ready%n", r.name(), c.config().bindHost(), c.ports().management()));
    }
    for (ServiceRunner r : running.runners()) {
      for (String notice : r.context().notices()) {
        sb.append('\n').append(notice).append('\n');
      }
    }
    out.println(sb);
    out.flush();
  }
}
