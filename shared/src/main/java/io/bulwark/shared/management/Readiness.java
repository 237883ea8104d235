package io.bulwark.shared.management;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readiness of one service: checks run in the background on a timer, each with a timeout; {@code /ready} only reads the
 * last result, so a probe never waits on I/O. Required checks decide readiness; optional ones report degradation.
 */
public final class Readiness {
  /** The gauge of {@link #ready()} on every management port's /metrics. */
  public static final String READY_METRIC = "bulwark_ready";
  private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);
  private final String service;
  private final HealthChecks checks;
  private final Map<String, Boolean> required = new ConcurrentHashMap<>();
  private final Map<String, Long> latencyMs = new ConcurrentHashMap<>();
  private final Map<String, Boolean> lastUp = new ConcurrentHashMap<>();
  private final long timeoutMs;
  private volatile JsonObject snapshot;
  private volatile boolean ready;
  private volatile boolean stopping;
  private volatile boolean running;
  private long timerId = -1;
  private final Vertx vertx;

  public Readiness(Vertx vertx, String service, long timeoutMs) {
    this.vertx = vertx;
    this.service = service;
    this.timeoutMs = timeoutMs;
    this.checks = HealthChecks.create(vertx);
    this.snapshot = new JsonObject().put("status", "DOWN").put("service", service).put("reason", "starting").put("checks", new JsonObject());
  }

  /**
   * Adds a check. {@code probe} completes with details (or null) when healthy and fails when not; it is given
   * {@code timeoutMs} before it counts as failed.
   */
  public Readiness register(String name, boolean isRequired, Supplier<Future<JsonObject>> probe) {
    required.put(name, isRequired);
    checks.register(name, timeoutMs, promise -> {
      long start = System.nanoTime();
      Future<JsonObject> f;
      try {
        f = probe.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.timeout(timeoutMs, TimeUnit.MILLISECONDS).onComplete(ar -> {
        latencyMs.put(name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        if (ar.succeeded()) {
          promise.tryComplete(Status.OK(ar.result() == null ? new JsonObject() : ar.result()));
        } else {
          String msg = ar.cause().getMessage() == null ? ar.cause().getClass().getSimpleName() : ar.cause().getMessage();
          promise.tryComplete(Status.KO(new JsonObject().put("error", msg)));
        }
      });
    });
    return this;
  }

  /** Runs the checks now and then every {@code intervalMs}. */
  public Future<Void> start(long intervalMs) {
    timerId = vertx.setPeriodic(intervalMs, id -> refresh());
    return refresh();
  }

  public void stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  /** From now on readiness reports 503 so balancers stop sending new work. */
  public void markStopping() {
    stopping = true;
    ready = false;
    snapshot = snapshot.copy().put("status", "DOWN").put("reason", "shutting down");
  }

  public boolean ready() {
    return ready && !stopping;
  }

  public JsonObject snapshot() {
    return snapshot;
  }

  /** Runs every check once; overlapping runs are skipped. */
  public Future<Void> refresh() {
    if (running) {
      return Future.succeededFuture();
    }
    running = true;
    Future<Void> run = checks.checkStatus().map(this::record);
    return run.onFailure(err -> LOG.error("readiness checks could not run", err)).otherwiseEmpty()
        .onComplete(ar -> running = false);
  }

  private Void record(CheckResult result) {
    JsonObject entries = new JsonObject();
    boolean allRequiredUp = true;
    boolean degraded = false;
    if (result.getChecks() != null) {
      for (CheckResult c : result.getChecks()) {
        boolean up = Boolean.TRUE.equals(c.getUp());
        boolean req = required.getOrDefault(c.getId(), true);
        JsonObject entry = new JsonObject().put("status", up ? "UP" : "DOWN").put("required", req)
            .put("latencyMs", latencyMs.getOrDefault(c.getId(), 0L));
        if (c.getData() != null) {
          entry.mergeIn(c.getData());
        }
        entries.put(c.getId(), entry);
        Boolean before = lastUp.put(c.getId(), up);
        // while stopping, peers going away is expected: not worth a warning
        if (before != null && before != up && !stopping) {
          if (up) {
            LOG.info("readiness check {} recovered", c.getId());
          } else {
            LOG.warn("readiness check {} failed: {}", c.getId(), entry.getString("error"));
          }
        }
        if (!up && req) {
          allRequiredUp = false;
        } else if (!up) {
          degraded = true;
        }
      }
    }
    ready = allRequiredUp && !stopping;
    String status = stopping ? "DOWN" : allRequiredUp ? (degraded ? "DEGRADED" : "UP") : "DOWN";
    JsonObject snap = new JsonObject().put("status", status).put("service", service).put("checks", entries);
    if (stopping) {
      snap.put("reason", "shutting down");
    }
    snapshot = snap;
    return null;
  }
}
