package io.bulwark.suite.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Time from a condition to its notification, through alert-service as it runs: this process is both a scrape target
 * (its {@code /metrics} shows {@code bench_condition} 0 or 1) and the webhook receiver. Each trial turns the
 * condition on at a random moment, waits for the firing notification, turns it off and waits for the resolved one.
 * alert-service scrapes this target and evaluates its rule ({@code bench_condition > 0}, no {@code for}) every
 * {@code interval}; the goal is the evaluation interval + 1 s.
 *
 * <pre>java -Dport=19390 -Dtrials=10 -Dinterval=5 io.bulwark.suite.bench.AlertLatencyBench</pre>
 * Exits 1 when a notification does not come within three intervals + 5 s.
 */
public final class AlertLatencyBench {
  private final AtomicInteger condition = new AtomicInteger();
  private final LinkedBlockingQueue<String> notifications = new LinkedBlockingQueue<>();

  public static void main(String[] args) throws Exception {
    int port = Integer.getInteger("port", 19390);
    int trials = Integer.getInteger("trials", 10);
    int interval = Integer.getInteger("interval", 5);
    System.exit(new AlertLatencyBench().run(port, trials, interval));
  }

  private int run(int port, int trials, int intervalSeconds) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    server.createContext("/metrics", ex -> answer(ex, 200, "# TYPE bench_condition gauge\nbench_condition{service=\"bench\"} "
        + condition.get() + "\n"));
    server.createContext("/ready", ex -> answer(ex, 200, "{\"status\":\"UP\"}"));
    server.createContext("/hook", ex -> {
      String body = read(ex.getRequestBody());
      long at = System.nanoTime();
      answer(ex, 200, "");
      // Alertmanager's v4 payload: the group's status (the first "status" of the body, before its alerts) is all this needs
      int i = body.indexOf("\"status\":\"");
      notifications.add(at + " " + (i >= 0 && body.startsWith("resolved", i + 10) ? "resolved" : "firing"));
    });
    server.start();
    try {
      long timeoutMs = TimeUnit.SECONDS.toMillis(3L * intervalSeconds + 5);
      // the first scrape of this target and the notifier's first pass: one firing and resolving before measuring
      if (!cycle(timeoutMs * 3, null)) {
        System.out.println("bench: no notification came for the warm-up condition; is alert-service scraping port " + port + "?");
        return 1;
      }
      List<Double> firing = new ArrayList<>();
      List<Double> resolved = new ArrayList<>();
      Random random = new Random(7);
      for (int t = 1; t <= trials; t++) {
        Thread.sleep(random.nextInt(intervalSeconds * 1000)); // a random phase against the scrape timer
        double[] took = new double[2];
        if (!cycle(timeoutMs, took)) {
          System.out.println("bench: trial " + t + " got no notification within " + timeoutMs + " ms");
          return 1;
        }
        firing.add(took[0]);
        resolved.add(took[1]);
        System.out.printf("trial %2d  condition -> firing notification %6.2f s   cleared -> resolved notification %6.2f s%n",
            t, took[0], took[1]);
      }
      report("firing", firing, intervalSeconds);
      report("resolved", resolved, intervalSeconds);
      return 0;
    } finally {
      server.stop(0);
    }
  }

  /** Condition on, wait for firing; off, wait for resolved. {@code took} gets both latencies in seconds. */
  private boolean cycle(long timeoutMs, double[] took) throws InterruptedException {
    notifications.clear();
    long on = System.nanoTime();
    condition.set(1);
    Long fired = await("firing", timeoutMs);
    Thread.sleep(200);
    notifications.clear();
    long off = System.nanoTime();
    condition.set(0);
    Long cleared = fired == null ? null : await("resolved", timeoutMs);
    if (fired == null || cleared == null) {
      return false;
    }
    if (took != null) {
      took[0] = (fired - on) / 1e9;
      took[1] = (cleared - off) / 1e9;
    }
    return true;
  }

  private Long await(String status, long timeoutMs) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (System.nanoTime() < end) {
      String n = notifications.poll(Math.max(1, (end - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
      if (n != null && n.endsWith(status)) {
        return Long.parseLong(n.substring(0, n.indexOf(' ')));
      }
    }
    return null;
  }

  private static void report(String what, List<Double> seconds, int interval) {
    List<Double> s = new ArrayList<>(seconds);
    Collections.sort(s);
    double p50 = s.get((s.size() - 1) / 2);
    double max = s.get(s.size() - 1);
    System.out.printf("%-8s n=%d  p50 %.2f s  max %.2f s  goal (evaluation interval + 1 s) %d s: %s%n", what, s.size(), p50, max,
        interval + 1, max <= interval + 1 ? "met by every trial" : "missed by " + s.stream().filter(x -> x > interval + 1).count()
            + " trial(s)");
  }

  private static void answer(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String read(InputStream in) throws IOException {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
