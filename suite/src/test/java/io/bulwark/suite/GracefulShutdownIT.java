package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.ChildJvm;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestPostgres;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM under load: the suite process drains (readiness 503, {@code Connection: close}), lets in-flight requests
 * finish, shuts every service down cleanly and exits 0, and no client loses a request it had sent.
 *
 * <p>What counts as a lost (failed) request: one that a client sent and that came back with a 5xx status (or any other
 * non-2xx status, which this load never provokes) or ended in an I/O error other than "connection refused". A refused
 * connection means the server had already stopped accepting before the request left the client; taking such a client
 * elsewhere is a load balancer's job, not an in-flight loss, so a client stops at its first refusal.
 *
 * <p>The clients never back off: during the drain every response says {@code Connection: close}, so each one reconnects
 * at once, right up to the moment the listener closes. That is the hardest case for the unbind (see
 * {@code io.bulwark.shared.http.ShutdownGate}).
 */
class GracefulShutdownIT {
  private static final Path JAR = Path.of("target/bulwark-suite.jar");
  private static final String ADMIN_KEY = "it-shutdown-admin-key-0123456789";
  private static final int CLIENTS = 8;
  private static final int DRAIN_MS = 1000;

  @TempDir
  Path dir;

  @Test
  void sigtermUnderLoadDrainsWithoutLosingInFlightRequests() throws Exception {
    Map<String, Integer> mgmt = new HashMap<>();
    Map<String, String> env = new HashMap<>();
    for (String s : new String[] {"gateway", "audit", "backup", "alert"}) {
      int port = TestPostgres.freePort();
      mgmt.put(s, port);
      env.put(s.toUpperCase() + "_MANAGEMENT_PORT", Integer.toString(port));
    }
    int http = TestPostgres.freePort();
    env.put("GATEWAY_HTTP_PORT", Integer.toString(http));
    env.put("BULWARK_ENV", "test");
    env.put("BULWARK_ADMIN_KEYS", ADMIN_KEY);
    env.put("BULWARK_SHUTDOWN_DRAIN_MS", Integer.toString(DRAIN_MS));
    env.put("BULWARK_READINESS_INTERVAL_MS", "200");
    String gatewayReady = "http://127.0.0.1:" + mgmt.get("gateway") + "/ready";

    try (TestPostgres db = TestPostgres.create("graceful_shutdown")) {
      env.put("DATABASE_URL", db.databaseUrl());
      try (ChildJvm suite = ChildJvm.start(JAR, env, dir.resolve("suite.log"))) {
        suite.awaitOutput("Bulwark is up", Duration.ofSeconds(60));
        for (var e : mgmt.entrySet()) {
          HttpResponse<String> r = Http.await("http://127.0.0.1:" + e.getValue() + "/ready", Duration.ofSeconds(20),
              x -> x.statusCode() == 200);
          assertEquals(200, r == null ? -1 : r.statusCode(), e.getKey() + " not ready: " + (r == null ? "" : r.body()));
        }

        Load load = new Load(URI.create("http://127.0.0.1:" + http + "/v1/events"), Duration.ofSeconds(20));
        load.start();
        awaitSuccesses(load, 50, Duration.ofSeconds(10));
        Http.sleep(2000); // a steady load before the signal, not a timing assertion
        long sigtermAt = System.nanoTime();
        ReadinessWatch watch = new ReadinessWatch(URI.create(gatewayReady));
        watch.start(sigtermAt);
        load.sigtermAt.set(sigtermAt);
        int exit = suite.terminate(Duration.ofSeconds(40));
        long shutdownMs = (System.nanoTime() - load.sigtermAt.get()) / 1_000_000;
        load.stop.set(true);
        load.join(Duration.ofSeconds(15));
        watch.join();

        String out = suite.output();
        System.out.printf("graceful shutdown: %d clients, %d succeeded before SIGTERM, %d succeeded after it, "
                + "%d failed, %d stopped on connection refused; /ready 503 seen %d ms after SIGTERM; exit %d after %d ms%n",
            CLIENTS, load.okBefore.get(), load.okAfter.get(), load.failures.size(), load.refused.get(),
            watch.notReadyAfterMs, exit, shutdownMs);
        assertEquals(0, exit, out);
        for (String s : new String[] {"gateway", "audit", "backup", "alert"}) {
          assertTrue(out.contains("\"" + s + " shut down cleanly\""), s + " did not shut down cleanly:\n" + out);
        }
        assertTrue(load.failures.isEmpty(), load.failures.size() + " in-flight requests failed: " + load.failures);
        assertTrue(load.okBefore.get() > 0, "no request succeeded before SIGTERM");
        assertTrue(load.okAfter.get() > 0, "no request sent after SIGTERM succeeded: none were in flight during the drain");
        assertEquals(CLIENTS, load.refused.get() + load.stoppedByDeadline.get(),
            "every client ends on a refused connection (or the load's own deadline)");
        assertTrue(watch.notReadyAfterMs >= 0 && watch.notReadyAfterMs < DRAIN_MS,
            "gateway /ready did not answer 503 during the drain: " + watch.log);

        // every acknowledged event is stored, and nothing was stored behind a client's back
        try (Connection c = db.jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM audit.entries WHERE category = 'audit'" + EventSliceIT.CLIENT_EVENTS)) {
          rs.next();
          assertEquals(load.okBefore.get() + load.okAfter.get(), rs.getLong(1));
        }
      }
    }
  }

  private static void awaitSuccesses(Load load, int n, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (load.okBefore.get() < n) {
      assertTrue(load.failures.isEmpty(), "requests failed before SIGTERM: " + load.failures);
      assertTrue(System.nanoTime() < end, "load did not get going: " + load.okBefore.get() + " successes");
      Http.sleep(50);
    }
  }

  /** {@link #CLIENTS} threads, each with its own HTTP/1.1 client (a keep-alive connection), posting events in a loop. */
  private static final class Load {
    final URI uri;
    final Duration maxDuration;
    final AtomicLong sigtermAt = new AtomicLong(Long.MAX_VALUE);
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger okBefore = new AtomicInteger();
    final AtomicInteger okAfter = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    final AtomicInteger stoppedByDeadline = new AtomicInteger();
    final Queue<String> failures = new ConcurrentLinkedQueue<>();
    final List<Thread> threads = new ArrayList<>();

    Load(URI uri, Duration maxDuration) {
      this.uri = uri;
      this.maxDuration = maxDuration;
    }

    void start() {
      for (int i = 0; i < CLIENTS; i++) {
        int client = i;
        Thread t = new Thread(() -> run(client), "load-" + i);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }

    private void run(int client) {
      long end = System.nanoTime() + maxDuration.toNanos();
      String body = "{\"actor\":\"load-" + client + "\",\"action\":\"load.post\",\"outcome\":\"success\"}";
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2)).build();
      while (true) {
        if (stop.get() || System.nanoTime() >= end) {
          stoppedByDeadline.incrementAndGet();
          return;
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long sent = System.nanoTime();
        boolean afterSigterm = sent >= sigtermAt.get();
        try {
          HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() / 100 == 2) {
            (afterSigterm ? okAfter : okBefore).incrementAndGet();
          } else {
            failures.add(describe(client, sent) + "HTTP " + r.statusCode() + " " + r.body());
          }
        } catch (IOException e) {
          if (refused(e)) {
            refused.incrementAndGet();
            return;
          }
          failures.add(describe(client, sent) + e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    private String describe(int client, long sent) {
      long sigterm = sigtermAt.get();
      String when = sigterm == Long.MAX_VALUE ? "before SIGTERM" : ((sent - sigterm) / 1_000_000) + " ms after SIGTERM";
      return "client " + client + ", sent " + when + ": ";
    }

    /** A refused connect; a connect timeout (which the JDK client also chains to a ConnectException) is not one. */
    private static boolean refused(Throwable e) {
      boolean connect = false;
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof HttpTimeoutException) {
          return false;
        }
        connect |= c instanceof ConnectException;
      }
      return connect;
    }

    void join(Duration timeout) throws InterruptedException {
      long end = System.nanoTime() + timeout.toNanos();
      for (Thread t : threads) {
        t.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
        assertTrue(!t.isAlive(), t.getName() + " is still running");
      }
    }
  }

  /** Polls the gateway's /ready from the moment SIGTERM is sent until it answers 503 or stops answering. */
  private static final class ReadinessWatch {
    final URI uri;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(1)).build();
    final List<String> log = new ArrayList<>();
    volatile long notReadyAfterMs = -1;
    private Thread thread;
    private volatile long sigtermAt;

    ReadinessWatch(URI uri) {
      this.uri = uri;
    }

    void start(long sigtermAt) {
      this.sigtermAt = sigtermAt;
      thread = new Thread(this::run, "readiness-watch");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < end) {
        try {
          int status = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
              HttpResponse.BodyHandlers.discarding()).statusCode();
          long ms = (System.nanoTime() - sigtermAt) / 1_000_000;
          synchronized (log) {
            log.add(ms + " ms: " + status);
          }
          if (status == 503) {
            notReadyAfterMs = ms;
            return;
          }
        } catch (IOException e) {
          synchronized (log) {
            log.add(((System.nanoTime() - sigtermAt) / 1_000_000) + " ms: " + e);
          }
          return;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        Http.sleep(20);
      }
    }

    void join() throws InterruptedException {
      thread.join(15_000);
    }
  }
}
