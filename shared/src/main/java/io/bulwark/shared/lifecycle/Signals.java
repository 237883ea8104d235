package io.bulwark.shared.lifecycle;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into one orderly shutdown that ends the process with its own exit code (a JVM shutdown hook
 * could not: the JVM reports 143 for SIGTERM). A second signal during shutdown is ignored.
 */
final class Signals {
  private Signals() {}

  static void onTerminate(Function<String, Integer> shutdown) {
    AtomicBoolean started = new AtomicBoolean();
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), sig -> {
        if (!started.compareAndSet(false, true)) {
          return;
        }
        Thread t = new Thread(() -> System.exit(shutdown.apply(sig.getName())), "bulwark-shutdown");
        t.start();
      });
    }
  }
}
