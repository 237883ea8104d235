package io.bulwark.gateway.proxy;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.shared.config.PolledFile;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes file and the table it currently yields, polled through {@link PolledFile}: a valid change swaps the table
 * atomically; an invalid or missing file keeps the last good table. This class owns the routes metrics and log lines.
 */
public final class RouteFile {
  public static final String RELOADS = "bulwark.gateway.route.reloads";
  public static final String ROUTES = "bulwark.gateway.routes";
  public static final String LAST_RELOAD_OK = "bulwark.gateway.routes.last.reload.ok";
  /** A routes file is a few kilobytes; anything far larger is a mistake, and is not worth reading every poll. */
  static final long MAX_BYTES = 1024 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(RouteFile.class);

  /** Reload outcomes, the values of the {@code result} tag. */
  enum Result { APPLIED, REJECTED;
    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final PolledFile<RouteTable> polled;
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Map<Result, Counter> reloads = new EnumMap<>(Result.class);
  private volatile boolean lastReloadOk = true;
  private volatile boolean closed;

  private RouteFile(PolledFile<RouteTable> polled, MeterRegistry registry) {
    this.polled = polled;
    this.registry = registry;
    if (registry == null) {
      return;
    }
    for (Result r : Result.values()) {
      Counter c = Counter.builder(RELOADS).description("Routes file reloads by result").tag("result", r.tag())
          .register(registry);
      reloads.put(r, c);
      meters.add(c);
    }
    meters.add(Gauge.builder(ROUTES, this, f -> f.current().routes().size()).description("Proxied routes in use")
        .strongReference(true).register(registry));
    meters.add(Gauge.builder(LAST_RELOAD_OK, this, f -> f.lastReloadOk ? 1 : 0)
        .description("1 when the last routes file change was applied, 0 when it was rejected").strongReference(true)
        .register(registry));
  }

  /**
   * Reads and validates {@code file}, then polls it every {@code pollMs}. Fails with a {@link RouteFileException}
   * listing the problems when the file is missing or invalid, so the gateway refuses to start on a bad file.
   */
  public static Future<RouteFile> load(Vertx vertx, Path file, Predicate<String> knownPolicy, MeterRegistry registry,
      long pollMs) {
    if (pollMs < 10) {
      return Future.failedFuture(new IllegalArgumentException("pollMs must be at least 10, got " + pollMs));
    }
    String source = file.toString();
    return PolledFile.load(vertx, file, MAX_BYTES, (text, src) -> RouteTable.parse(text, src, knownPolicy),
            problems -> new RouteFileException(source, problems))
        .map(pf -> {
          RouteFile rf = new RouteFile(pf, registry);
          LOG.info("routes loaded", kv("file", source), kv("routes", rf.current().routes().size()),
              kv("ids", ids(rf.current().routes())));
          pf.startPolling(pollMs, rf::applied, rf::rejected);
          return rf;
        });
  }

  /** Routes that never change: for a gateway run without a routes file, and for tests. */
  public static RouteFile fixed(RouteTable table) {
    return new RouteFile(PolledFile.fixed(table), null);
  }

  /** The table in force; a new one replaces it as a whole, so a request never sees half a reload. */
  public RouteTable current() {
    return polled.current();
  }

  /** Called (on a Vert.x thread) with each valid new table, just before it comes into force. */
  public void onChange(Consumer<RouteTable> listener) {
    polled.onChange(listener);
  }

  /** Stops polling; completes once a poll in progress has finished. */
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    if (registry != null) {
      meters.forEach(registry::remove);
    }
    return polled.close();
  }

  /** Logs what changed by route id, so an operator can match the log line to the edit they made. */
  private void applied(RouteTable old, RouteTable table) {
    lastReloadOk = true;
    count(Result.APPLIED);
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    for (ProxyRoute r : table.routes()) {
      old.route(r.id()).ifPresentOrElse(o -> {
        if (!o.equals(r)) {
          changed.add(r.id());
        }
      }, () -> added.add(r.id()));
    }
    List<String> removed = old.routes().stream().map(ProxyRoute::id).filter(id -> table.route(id).isEmpty()).toList();
    LOG.info("routes reloaded", kv("file", String.valueOf(polled.file())), kv("routes", table.routes().size()),
        kv("added", added), kv("removed", removed), kv("changed", changed));
  }

  private void rejected(List<String> problems) {
    lastReloadOk = false;
    count(Result.REJECTED);
    LOG.warn("routes file rejected; the previous routes stay in force", kv("file", String.valueOf(polled.file())),
        kv("routes", current().routes().size()), kv("problems", problems));
  }

  private void count(Result result) {
    Counter c = reloads.get(result);
    if (c != null) {
      c.increment();
    }
  }

  private static List<String> ids(List<ProxyRoute> routes) {
    return routes.stream().map(ProxyRoute::id).toList();
  }
}
