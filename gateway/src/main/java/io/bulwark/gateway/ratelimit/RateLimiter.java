package io.bulwark.gateway.ratelimit;

import static net.logstash.logback.argument.StructuredArguments.kv;
import static net.logstash.logback.argument.StructuredArguments.v;

import io.bulwark.shared.config.ConfigException;
import io.bulwark.shared.config.ServiceConfig;
import io.bulwark.shared.management.Readiness;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's rate limiter. With Redis, all gateway instances share each bucket through one atomic script; without it
 * (not configured, or failing) a fallback decides: per-instance memory, admit all, or reject all. A background probe
 * brings Redis back; no request ever waits on a Redis that is known to be down.
 */
public final class RateLimiter {
  public static final String FALLBACK_KEY = "BULWARK_RATE_LIMIT_FALLBACK";
  public static final String TIMEOUT_KEY = "BULWARK_RATE_LIMIT_REDIS_TIMEOUT_MS";
  public static final String PROBE_KEY = "BULWARK_RATE_LIMIT_PROBE_MS";
  public static final String LOG_INTERVAL_KEY = "BULWARK_RATE_LIMIT_LOG_INTERVAL_MS";
  /** The readiness check's name; optional, so a Redis outage degrades the gateway without taking it out. */
  public static final String READINESS_CHECK = "redis";
  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
  private static final int POOL_SIZE = 8;
  /**
   * Start-up may open the first connection on a cold JVM, which takes longer than a warm command; giving it more time
   * avoids a needless outage warning on every start. Probes use the request timeout: Redis is back when it answers as
   * fast as requests need, or the limiter would flap.
   */
  private static final long START_TIMEOUT_MS = 2000;
  /** Requests waiting for a pooled connection; beyond this Redis counts as overloaded and the fallback takes over. */
  private static final int POOL_WAITING = 16_384;
  private static final int STARTING = 0;
  private static final int UP = 1;
  private static final int DOWN = 2;
  private static final int STOPPED = 3;

  /** What decides while Redis cannot: this instance's memory, or a blanket admit or reject. */
  public enum Fallback {
    LOCAL, OPEN, CLOSED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Vertx vertx;
  /** The context that owns {@link #local}; decisions in memory run there, so its state needs no lock. */
  private final Context home;
  private final Map<String, RateLimitPolicy> policies;
  private final Fallback fallback;
  private final Redis client;
  private final RedisGcra redis;
  private final RedisGcra setup;
  private final String redisAddress;
  private final LocalLimiter local;
  private final RateLimitMetrics metrics;
  private final long timeoutMs;
  private final long probeMs;
  private final long logIntervalNanos;
  private final AtomicInteger state = new AtomicInteger(STARTING);
  /** Advances on every recovery, so a reply to a request sent before it cannot mark the new link down. */
  private final AtomicLong epoch = new AtomicLong();
  private final AtomicLong fallbackSinceLine = new AtomicLong();
  private final AtomicLong fallbackSinceDown = new AtomicLong();
  private volatile long downAtNanos;
  private volatile long lastLineNanos;
  private volatile String downReason = "not connected yet";
  private volatile Thread homeThread;
  private volatile long probeTimer = -1;

  private RateLimiter(Vertx vertx, Map<String, RateLimitPolicy> policies, Fallback fallback, URI redisUrl, long timeoutMs,
                      long probeMs, long logIntervalMs, MeterRegistry registry) {
    this.vertx = vertx;
    this.home = vertx.getOrCreateContext();
    this.policies = policies;
    this.fallback = fallback;
    this.timeoutMs = timeoutMs;
    this.probeMs = probeMs;
    this.logIntervalNanos = TimeUnit.MILLISECONDS.toNanos(logIntervalMs);
    this.local = new LocalLimiter(LocalLimiter.monotonicMicros(), LocalLimiter.DEFAULT_MAX_SUBJECTS);
    if (redisUrl == null) {
      this.client = null;
      this.redis = null;
      this.setup = null;
      this.redisAddress = null;
    } else {
      RedisOptions options = new RedisOptions().setConnectionString(redisUrl.toString()).setMaxPoolSize(POOL_SIZE)
          .setMaxPoolWaiting(POOL_WAITING);
      options.getNetClientOptions().setConnectTimeout((int) Math.max(timeoutMs, 1000));
      this.client = Redis.createClient(vertx, options);
      this.redis = new RedisGcra(client, timeoutMs);
      this.setup = new RedisGcra(client, Math.max(timeoutMs, START_TIMEOUT_MS));
      // never the URL itself: it may carry a password
      this.redisAddress = redisUrl.getHost() + ":" + (redisUrl.getPort() < 0 ? 6379 : redisUrl.getPort());
    }
    this.metrics = new RateLimitMetrics(registry, policies.keySet(), redis == null ? null : () -> state.get() == UP);
  }

  /**
   * Reads {@code BULWARK_RATE_LIMITS}, {@code REDIS_URL} and the {@code BULWARK_RATE_LIMIT_*} keys, registers the
   * optional readiness check {@value #READINESS_CHECK} (when {@code readiness} is given) and the meters. Throws
   * {@link ConfigException} for bad values. Call {@link #start()} before the first request.
   */
  public static RateLimiter create(Vertx vertx, ServiceConfig config, MeterRegistry registry, Readiness readiness) {
    Map<String, RateLimitPolicy> policies = RateLimitPolicies.parse(config.raw().getValue(RateLimitPolicies.KEY));
    String mode = config.string(FALLBACK_KEY, "local").toLowerCase(Locale.ROOT);
    Fallback fallback = switch (mode) {
      case "local" -> Fallback.LOCAL;
      case "open" -> Fallback.OPEN;
      case "closed" -> Fallback.CLOSED;
      default -> throw new ConfigException(FALLBACK_KEY, "must be local, open or closed (got '" + mode + "')");
    };
    RateLimiter limiter = new RateLimiter(vertx, policies, fallback, config.redisUrl(),
        config.intRange(TIMEOUT_KEY, 250, 1, 60_000), config.intRange(PROBE_KEY, 1000, 10, 600_000),
        config.intRange(LOG_INTERVAL_KEY, 30_000, 100, 86_400_000), registry);
    if (readiness != null) {
      readiness.register(READINESS_CHECK, false, limiter::readinessProbe);
    }
    return limiter;
  }

  /** The configured policies by name, in configuration order. */
  public Map<String, RateLimitPolicy> policies() {
    return policies;
  }

  /**
   * Connects to Redis and loads the script. Never fails: when Redis is not reachable the limiter starts on its
   * fallback and the probe brings Redis in later.
   */
  public Future<Void> start() {
    if (home.isEventLoopContext()) {
      home.runOnContext(v -> homeThread = Thread.currentThread());
    }
    if (redis == null) {
      LOG.info("REDIS_URL is not set: rate limits are counted per gateway instance, not across the cluster",
          kv("event", "ratelimit.local_only"), kv("policies", policies.size()));
      return Future.succeededFuture();
    }
    return setup.ping().compose(v -> setup.load()).transform(ar -> {
      if (ar.succeeded()) {
        if (state.compareAndSet(STARTING, UP)) {
          LOG.info("rate limits are shared through redis at {}", v("redis", redisAddress),
              kv("event", "ratelimit.redis_up"), kv("policies", policies.size()));
        }
      } else if (state.compareAndSet(STARTING, DOWN)) {
        wentDown(reason(ar.cause()));
      }
      return Future.succeededFuture();
    });
  }

  /** Stops the probe and closes the Redis connections; later checks are decided by the fallback. */
  public Future<Void> close() {
    state.set(STOPPED);
    long timer = probeTimer;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return client == null ? Future.succeededFuture() : client.close();
  }

  /**
   * Decides one request against all {@code subjects} at once: it passes only if every bucket has room, and only then
   * does it take from each. Never fails; an empty list passes without I/O.
   */
  public Future<Decision> check(List<Subject> subjects) {
    if (subjects.isEmpty()) {
      return Future.succeededFuture(Decision.unlimited());
    }
    if (redis == null) {
      return local(subjects);
    }
    if (state.get() != UP) {
      return fallback(subjects);
    }
    long sentIn = epoch.get();
    long start = System.nanoTime();
    return redis.check(subjects, rates(subjects)).transform(ar -> {
      metrics.redisRoundTrip(System.nanoTime() - start, ar.succeeded());
      if (ar.succeeded()) {
        return Future.succeededFuture(counted(decision(ar.result(), subjects, Decision.Mode.REDIS)));
      }
      failed(sentIn, ar.cause());
      return fallback(subjects);
    });
  }

  private Future<Decision> fallback(List<Subject> subjects) {
    fallbackSinceLine.incrementAndGet();
    fallbackSinceDown.incrementAndGet();
    return switch (fallback) {
      case LOCAL -> local(subjects);
      case OPEN -> Future.succeededFuture(counted(open(subjects.get(0).policy())));
      case CLOSED -> Future.succeededFuture(counted(closed(subjects.get(0).policy())));
    };
  }

  /** Runs on the home context; hops there and back when called from elsewhere. */
  private Future<Decision> local(List<Subject> subjects) {
    if (Thread.currentThread() == homeThread) {
      return Future.succeededFuture(decideLocally(subjects));
    }
    Context caller = Vertx.currentContext();
    Promise<Decision> promise = Promise.promise();
    home.runOnContext(v -> {
      Decision d;
      try {
        d = decideLocally(subjects);
      } catch (RuntimeException e) {
        promise.fail(e);
        return;
      }
      if (caller == null) {
        promise.complete(d);
      } else {
        caller.runOnContext(x -> promise.complete(d));
      }
    });
    return promise.future();
  }

  private Decision decideLocally(List<Subject> subjects) {
    List<String> keys = new ArrayList<>(subjects.size());
    for (Subject s : subjects) {
      keys.add(s.key());
    }
    return counted(decision(local.check(keys, rates(subjects)), subjects, Decision.Mode.LOCAL));
  }

  private Decision counted(Decision d) {
    metrics.decision(d);
    return d;
  }

  private static Decision decision(Gcra.Verdict v, List<Subject> subjects, Decision.Mode mode) {
    RateLimitPolicy p = subjects.get(v.binding()).policy();
    return new Decision(v.allowed(), p.limit(), v.remaining(), v.resetSeconds(), v.retryAfterSeconds(), p.name(), mode,
        p.period());
  }

  /** Nothing is known while Redis is away, so the headers describe a full bucket. */
  private static Decision open(RateLimitPolicy p) {
    return new Decision(true, p.limit(), p.burst() - 1, 0, 0, p.name(), Decision.Mode.OPEN, p.period());
  }

  /** Clients are told to come back after the next probe, the earliest moment Redis could be back. */
  private Decision closed(RateLimitPolicy p) {
    long retry = Math.max(1, Gcra.ceilSeconds(TimeUnit.MILLISECONDS.toMicros(probeMs)));
    return new Decision(false, p.limit(), 0, retry, retry, p.name(), Decision.Mode.CLOSED, p.period());
  }

  private static List<Gcra.Rate> rates(List<Subject> subjects) {
    List<Gcra.Rate> rates = new ArrayList<>(subjects.size());
    for (Subject s : subjects) {
      rates.add(Gcra.Rate.of(s.policy()));
    }
    return rates;
  }

  private void failed(long sentIn, Throwable cause) {
    // a late failure from before the last recovery says nothing about the link as it is now
    if (epoch.get() == sentIn && state.compareAndSet(UP, DOWN)) {
      wentDown(reason(cause));
    }
  }

  private void wentDown(String reason) {
    long now = System.nanoTime();
    downAtNanos = now;
    lastLineNanos = now;
    downReason = reason;
    fallbackSinceLine.set(0);
    fallbackSinceDown.set(0);
    LOG.warn("redis is unavailable for rate limiting, the {} fallback decides until it answers again: {}",
        v("fallback", fallback.label()), v("reason", reason), kv("event", "ratelimit.redis_down"),
        kv("redis", redisAddress));
    scheduleProbe();
  }

  private void scheduleProbe() {
    if (state.get() != DOWN) {
      return;
    }
    // timers set on the home context fire there, so probes never overlap
    home.runOnContext(v -> probeTimer = vertx.setTimer(probeMs, id -> probe()));
  }

  private void probe() {
    probeTimer = -1;
    if (state.get() != DOWN) {
      return;
    }
    redis.ping().compose(v -> redis.load()).onComplete(ar -> {
      if (ar.succeeded()) {
        recovered();
      } else {
        downReason = reason(ar.cause());
        reportStillDown();
        scheduleProbe();
      }
    });
  }

  private void reportStillDown() {
    long now = System.nanoTime();
    if (now - lastLineNanos < logIntervalNanos) {
      return;
    }
    lastLineNanos = now;
    LOG.warn("redis is still unavailable for rate limiting ({}); the {} fallback made {} decisions since the last report",
        v("reason", downReason), v("fallback", fallback.label()), v("fallbackDecisions", fallbackSinceLine.getAndSet(0)),
        kv("event", "ratelimit.redis_still_down"), kv("downMs", TimeUnit.NANOSECONDS.toMillis(now - downAtNanos)),
        kv("redis", redisAddress));
  }

  private void recovered() {
    epoch.incrementAndGet();
    if (!state.compareAndSet(DOWN, UP)) {
      return;
    }
    fallbackSinceLine.set(0);
    LOG.info("redis answers again after {} ms, rate limits are shared through it again; the {} fallback made {} decisions "
        + "meanwhile", v("downMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - downAtNanos)),
        v("fallback", fallback.label()), v("fallbackDecisions", fallbackSinceDown.getAndSet(0)),
        kv("event", "ratelimit.redis_recovered"), kv("redis", redisAddress));
  }

  /**
   * Readiness runs in the background: while Redis is in use it is pinged (so an outage shows even without traffic, and
   * the fallback takes over before the next request pays a timeout); while it is down, the probe's state is reported.
   */
  private Future<JsonObject> readinessProbe() {
    if (redis == null) {
      return Future.succeededFuture(new JsonObject().put("mode", "local").put("configured", false));
    }
    if (state.get() == UP) {
      long sentIn = epoch.get();
      return redis.ping().transform(ar -> {
        if (ar.succeeded()) {
          return Future.succeededFuture(new JsonObject().put("mode", "redis"));
        }
        failed(sentIn, ar.cause());
        return Future.failedFuture("redis unavailable (" + reason(ar.cause()) + "): rate limits decided by the '"
            + fallback.label() + "' fallback");
      });
    }
    String scope = fallback == Fallback.LOCAL ? " (limits counted per instance)" : "";
    return Future.failedFuture("redis unavailable (" + downReason + "): rate limits decided by the '" + fallback.label()
        + "' fallback" + scope);
  }

  private String reason(Throwable cause) {
    if (cause instanceof TimeoutException) {
      return "no answer within " + timeoutMs + " ms";
    }
    String msg = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    msg = msg.replaceAll("\\s+", " ").strip();
    return msg.length() > 200 ? msg.substring(0, 200) + "..." : msg;
  }
}
