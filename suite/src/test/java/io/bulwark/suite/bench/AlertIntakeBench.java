package io.bulwark.suite.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Posts Alertmanager v2 alert arrays to several {@code POST /api/v2/alerts} endpoints under the same load and prints
 * alerts/s per target, batch size and run, then the medians and the ratio of each target to the first one. By default
 * every alert has a label set never sent before (a new fingerprint), so each is a new alert, not a refresh; with
 * {@code -Dactive=N} the alerts cycle through N label sets, as a Prometheus resending its N firing alerts does, so after
 * the first round every alert is a refresh. Targets alternate
 * within every run, starting with a different one each run. Bounded: every step lasts {@code duration} seconds.
 *
 * <pre>java -Dtargets=alertmanager=http://127.0.0.1:9093,bulwark=http://127.0.0.1:9083 -Dbatches=10,100
 *      -Dconcurrency=8 -Dduration=10 -Druns=3 -Dwarmup=5 -DwarmupBulwark=20 -Dseverity=warning io.bulwark.suite.bench.AlertIntakeBench</pre>
 * Exits 1 when a target answered anything but 200 during a measured step.
 */
public final class AlertIntakeBench {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicLong serial = new AtomicLong();
  private final String runId = Long.toString(System.currentTimeMillis(), 36);
  private final String severity = System.getProperty("severity", "warning");
  /** 0: every alert new; N: the alerts cycle through N label sets (refreshes). */
  private final long active = Long.getLong("active", 0);

  public static void main(String[] args) throws Exception {
    Map<String, String> targets = new LinkedHashMap<>();
    for (String t : System.getProperty("targets", "").split(",")) {
      String[] kv = t.split("=", 2);
      if (kv.length == 2) {
        targets.put(kv[0], kv[1].replaceAll("/+$", "") + "/api/v2/alerts");
      }
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("-Dtargets=name=http://host:port,... is required");
    }
    List<Integer> batches = new ArrayList<>();
    for (String b : System.getProperty("batches", "10,100").split(",")) {
      batches.add(Integer.parseInt(b.trim()));
    }
    int concurrency = Integer.getInteger("concurrency", 8);
    int duration = Integer.getInteger("duration", 10);
    int runs = Integer.getInteger("runs", 3);
    int warmup = Integer.getInteger("warmup", 5);
    // a JVM's JIT needs about 20 s of this traffic before its figures mean steady state; Alertmanager (Go) needs none
    int warmupBulwark = Integer.getInteger("warmupBulwark", Math.max(warmup, 20));
    boolean ok = new AlertIntakeBench().run(targets, batches, concurrency, duration, runs, warmup, warmupBulwark);
    System.exit(ok ? 0 : 1);
  }

  private boolean run(Map<String, String> targets, List<Integer> batches, int concurrency, int duration, int runs,
                      int warmup, int warmupBulwark) throws Exception {
    List<String> names = new ArrayList<>(targets.keySet());
    boolean clean = true;
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      for (String name : names) {
        Step w = step(pool, targets.get(name), batches.get(batches.size() - 1), concurrency,
            "bulwark".equals(name) ? warmupBulwark : warmup);
        System.out.printf("warmup %-12s %8.0f alerts/s (unmeasured)%s%n", name, w.alertsPerSecond(), w.failureText());
      }
      Map<String, List<Double>> results = new LinkedHashMap<>();
      for (int run = 0; run < runs; run++) {
        for (int b : batches) {
          for (int i = 0; i < names.size(); i++) {
            String name = names.get((i + run) % names.size());
            Step s = step(pool, targets.get(name), b, concurrency, duration);
            clean &= s.failures() == 0;
            results.computeIfAbsent(name + " batch " + b, k -> new ArrayList<>()).add(s.alertsPerSecond());
            System.out.printf("run %d %-12s batch %4d %9.0f alerts/s %7.0f posts/s p50 %6.1f ms p99 %6.1f ms%s%n",
                run + 1, name, b, s.alertsPerSecond(), s.alertsPerSecond() / b, s.p50Ms(), s.p99Ms(), s.failureText());
          }
        }
      }
      for (int b : batches) {
        double first = median(results.get(names.get(0) + " batch " + b));
        for (String name : names) {
          double m = median(results.get(name + " batch " + b));
          System.out.printf("median %-12s batch %4d %9.0f alerts/s  %.2fx %s%n", name, b, m, m / first, names.get(0));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return clean;
  }

  /** {@code concurrency} workers post batches back to back for {@code seconds}. */
  private Step step(ExecutorService pool, String url, int batch, int concurrency, int seconds) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Future<long[]>> workers = new ArrayList<>();
    List<long[]> latencies = new ArrayList<>();
    long start = System.nanoTime();
    for (int w = 0; w < concurrency; w++) {
      long[] lat = new long[1 << 20];
      latencies.add(lat);
      workers.add(pool.submit(() -> {
        long posts = 0;
        long failures = 0;
        while (System.nanoTime() < end) {
          HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body(batch))).build();
          long t0 = System.nanoTime();
          try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
              failures++;
              if (failures == 1) {
                System.err.println("bench: " + url + " answered " + r.statusCode() + ": " + r.body());
              }
              continue;
            }
          } catch (java.io.IOException e) {
            failures++;
            continue;
          }
          if (posts < lat.length) {
            lat[(int) posts] = System.nanoTime() - t0;
          }
          posts++;
        }
        return new long[] {posts, failures};
      }));
    }
    long posts = 0;
    long failures = 0;
    List<Long> all = new ArrayList<>();
    for (int w = 0; w < workers.size(); w++) {
      long[] r = workers.get(w).get();
      posts += r[0];
      failures += r[1];
      for (int i = 0; i < Math.min(r[0], latencies.get(w).length); i++) {
        all.add(latencies.get(w)[i]);
      }
    }
    double secs = (System.nanoTime() - start) / 1e9;
    all.sort(null);
    return new Step(posts * batch / secs, pct(all, 0.50), pct(all, 0.99), failures);
  }

  /** An Alertmanager v2 alert array of {@code n} alerts, each with a label set of its own (or the next of the active set). */
  private String body(int n) {
    String now = Instant.now().toString();
    String ends = Instant.now().plusSeconds(3600).toString();
    StringBuilder sb = new StringBuilder(n * 300).append('[');
    for (int i = 0; i < n; i++) {
      long id = active > 0 ? serial.incrementAndGet() % active : serial.incrementAndGet();
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"labels\":{\"alertname\":\"BenchAlert\",\"severity\":\"").append(severity).append("\",\"service\":\"bench\",")
          .append("\"instance\":\"bench-").append(runId).append('-').append(id).append("\",\"shard\":\"")
          .append(id % 16).append("\"},\"annotations\":{\"summary\":\"bench alert ").append(id)
          .append("\"},\"startsAt\":\"").append(now).append("\",\"endsAt\":\"").append(ends)
          .append("\",\"generatorURL\":\"http://127.0.0.1/graph?g0.expr=bench\"}");
    }
    return sb.append(']').toString();
  }

  private static double pct(List<Long> sorted, double q) {
    return sorted.isEmpty() ? Double.NaN : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size()))) / 1e6;
  }

  private static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    s.sort(null);
    return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
  }

  private record Step(double alertsPerSecond, double p50Ms, double p99Ms, long failures) {
    String failureText() {
      return failures == 0 ? "" : "  FAILED POSTS: " + failures;
    }
  }
}
