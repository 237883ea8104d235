package io.bulwark.gateway.proxy;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes file and the table it currently yields. The path is polled rather than watched through an open handle:
 * editors and Kubernetes ConfigMaps replace the file by rename or symlink swap, which a held handle would never see.
 * A valid change swaps the table atomically; an invalid or missing file keeps the last good table.
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

  private final Vertx vertx;
  private final Path file;
  private final Predicate<String> knownPolicy;
  private final long pollMs;
  private final List<Consumer<RouteTable>> listeners = new CopyOnWriteArrayList<>();
  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Map<Result, Counter> reloads = new EnumMap<>(Result.class);
  private volatile RouteTable current;
  private volatile boolean lastReloadOk = true;
  /** The content last looked at, valid or not, so a bad file is reported once rather than on every poll. */
  private volatile byte[] lastSeen;
  private volatile boolean missingReported;
  private volatile long timerId = -1;
  private volatile boolean closed;
  private volatile Future<Void> polling = Future.succeededFuture();

  private RouteFile(Vertx vertx, Path file, Predicate<String> knownPolicy, MeterRegistry registry, long pollMs,
      RouteTable initial, byte[] initialHash) {
    this.vertx = vertx;
    this.file = file;
    this.knownPolicy = knownPolicy;
    this.pollMs = pollMs;
    this.current = initial;
    this.lastSeen = initialHash;
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
    meters.add(Gauge.builder(ROUTES, this, f -> f.current.routes().size()).description("Proxied routes in use")
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
    return read(vertx, file)
        .recover(e -> Future.failedFuture(
            new RouteFileException(source, List.of(source + ": cannot be read: " + e.getMessage()))))
        .compose(bytes -> vertx.executeBlocking(() -> {
          RouteTable table = RouteTable.parse(new String(bytes, StandardCharsets.UTF_8), source, knownPolicy);
          return new RouteFile(vertx, file, knownPolicy, registry, pollMs, table, sha256(bytes));
        }, false))
        .onSuccess(rf -> {
          LOG.info("routes loaded", kv("file", source), kv("routes", rf.current.routes().size()),
              kv("ids", ids(rf.current.routes())));
          rf.schedule();
        });
  }

  /** Routes that never change: for a gateway run without a routes file, and for tests. */
  public static RouteFile fixed(RouteTable table) {
    RouteFile rf = new RouteFile(null, null, p -> false, null, 0, table, null);
    rf.closed = true;
    return rf;
  }

  /** The table in force; a new one replaces it as a whole, so a request never sees half a reload. */
  public RouteTable current() {
    return current;
  }

  /** Called (on a Vert.x thread) with each valid new table, just before it comes into force. */
  public void onChange(Consumer<RouteTable> listener) {
    listeners.add(listener);
  }

  /** Stops polling; completes once a poll in progress has finished. */
  public Future<Void> close() {
    if (vertx == null || closed) {
      return Future.succeededFuture();
    }
    closed = true;
    vertx.cancelTimer(timerId);
    meters.forEach(registry::remove);
    return polling.transform(ar -> Future.succeededFuture());
  }

  private void schedule() {
    if (!closed) {
      timerId = vertx.setTimer(pollMs, t -> {
        polling = poll().onComplete(ar -> schedule());
      });
    }
  }

  private Future<Void> poll() {
    if (closed) {
      return Future.succeededFuture();
    }
    return read(vertx, file).compose(this::consider, this::missing);
  }

  /**
   * Props first, so an oversized file is refused before it is read. The caller compares content hashes, which also
   * catch an edit of the same size within one modification-time tick.
   */
  private static Future<byte[]> read(Vertx vertx, Path file) {
    String path = file.toString();
    return vertx.fileSystem().props(path).compose(props -> {
      if (!props.isRegularFile()) {
        return Future.failedFuture("not a regular file");
      }
      if (props.size() > MAX_BYTES) {
        return Future.failedFuture("larger than " + MAX_BYTES + " bytes");
      }
      return vertx.fileSystem().readFile(path).map(Buffer::getBytes);
    });
  }

  private Future<Void> missing(Throwable cause) {
    if (!missingReported) {
      missingReported = true;
      lastSeen = null;
      reject(List.of(file + ": cannot be read: " + cause.getMessage()));
    }
    return Future.succeededFuture();
  }

  private Future<Void> consider(byte[] bytes) {
    missingReported = false;
    return vertx.executeBlocking(() -> {
      byte[] hash = sha256(bytes);
      if (Arrays.equals(hash, lastSeen)) {
        return null;
      }
      lastSeen = hash;
      try {
        return RouteTable.parse(new String(bytes, StandardCharsets.UTF_8), file.toString(), knownPolicy);
      } catch (RouteFileException e) {
        return e;
      }
    }, false).map(parsed -> {
      if (parsed instanceof RouteTable table) {
        apply(table);
      } else if (parsed instanceof RouteFileException e) {
        reject(e.problems());
      }
      return null;
    });
  }

  private void apply(RouteTable table) {
    // Listeners first: circuits for new routes exist before the first request can match them.
    for (Consumer<RouteTable> l : listeners) {
      l.accept(table);
    }
    RouteTable old = current;
    current = table;
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
    LOG.info("routes reloaded", kv("file", file.toString()), kv("routes", table.routes().size()), kv("added", added),
        kv("removed", removed), kv("changed", changed));
  }

  private void reject(List<String> problems) {
    lastReloadOk = false;
    count(Result.REJECTED);
    LOG.warn("routes file rejected; the previous routes stay in force", kv("file", file.toString()),
        kv("routes", current.routes().size()), kv("problems", problems));
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

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
