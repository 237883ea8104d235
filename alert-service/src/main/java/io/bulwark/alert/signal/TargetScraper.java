package io.bulwark.alert.signal;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every interval, GETs each target's {@code /metrics} into the {@link SampleStore} and probes its {@code /ready} into a
 * {@link ReadinessHistory}; writes the synthetic series {@code up} (1 when /metrics answered 200) and
 * {@code bulwark_target_ready} (1 when /ready answered 200). Sample times are this service's clock at the scrape.
 */
public final class TargetScraper {
  public static final String UP = "up";
  public static final String READY = "bulwark_target_ready";
  public static final Set<String> SYNTHETIC = Set.of(UP, READY);
  public static final String SCRAPES = "bulwark.alert.scrapes";
  public static final String FAILURES = "bulwark.alert.scrape.failures";
  public static final String DURATION = "bulwark.alert.scrape.duration";
  public static final String JUNK = "bulwark.alert.scrape.junk.lines";
  /** A Bulwark service's /metrics is tens of kilobytes; far beyond that is a misconfigured target. */
  static final int MAX_BODY_BYTES = 8 * 1024 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(TargetScraper.class);

  private final Vertx vertx;
  private final Map<String, URI> targets;
  private final SampleStore store;
  private final Duration interval;
  private final long timeoutMs;
  private final Clock clock;
  private final MeterRegistry registry;
  private final Map<String, ReadinessHistory> readiness = new LinkedHashMap<>();
  private final Map<String, Boolean> lastScrapeOk = new java.util.concurrent.ConcurrentHashMap<>();
  private HttpClientAgent client;
  private long timerId = -1;
  private volatile boolean stopped;
  private final List<Runnable> roundListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final java.util.Set<Future<Void>> rounds = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public TargetScraper(Vertx vertx, Map<String, URI> targets, SampleStore store, Duration interval, Clock clock,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.targets = Map.copyOf(targets);
    this.store = store;
    this.interval = interval;
    // an answer slower than most of an interval would overlap the next scrape
    this.timeoutMs = Math.max(50, interval.toMillis() * 8 / 10);
    this.clock = clock;
    this.registry = registry;
    // enough probes for the longest flap window a rule is likely to use (1 h), at any interval
    int probes = (int) Math.min(10_000, Duration.ofHours(1).toMillis() / Math.max(1, interval.toMillis()) + 10);
    targets.keySet().forEach(t -> readiness.put(t, new ReadinessHistory(probes, Duration.ofHours(1))));
  }

  /** Readiness histories by target name (the {@code instance} label). */
  public Map<String, ReadinessHistory> readiness() {
    return readiness;
  }

  /** Starts scraping: one round at once, then one per interval. */
  public Future<Void> start() {
    client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) timeoutMs).setKeepAlive(true));
    LOG.info("scraping targets", kv("targets", targets), kv("intervalMs", interval.toMillis()));
    round();
    timerId = vertx.setPeriodic(interval.toMillis(), id -> {
      if (!stopped) {
        round();
      }
    });
    return Future.succeededFuture();
  }

  /**
   * Called after each round, when every target has answered or timed out: the evaluation runs on fresh samples then,
   * so a condition is seen one scrape after it appears rather than up to a scrape plus an evaluation interval later.
   */
  public void onRound(Runnable listener) {
    roundListeners.add(listener);
  }

  private Future<Void> round() {
    return scrapeAll().onComplete(ar -> roundListeners.forEach(Runnable::run));
  }

  /** Stops the timer, lets a round in progress finish (bounded by the timeout), closes the client. */
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(timerId);
    HttpClientAgent c = client;
    // every round still out, not only the latest: closing the client under one would record its targets as down
    return Future.join(List.copyOf(rounds)).transform(ar -> c == null ? Future.<Void>succeededFuture() : c.close());
  }

  /** One round over every target; completes when each has answered or timed out. */
  public Future<Void> scrapeAll() {
    Future<Void> round = scrapeEach();
    rounds.add(round);
    round.onComplete(ar -> rounds.remove(round));
    return round;
  }

  private Future<Void> scrapeEach() {
    List<Future<Void>> all = new ArrayList<>();
    targets.forEach((name, configured) -> {
      URI uri = bound(name, configured);
      if (uri != null) {
        all.add(scrape(name, uri));
        all.add(probe(name, uri));
      }
    });
    return Future.join(all).mapEmpty();
  }

  /**
   * Port 0 names a service of this JVM whose port is only known once it is bound (a suite's, or alert-service's own):
   * it is looked up in the JVM's map of bound management ports; until it is there, the target waits.
   */
  private URI bound(String name, URI configured) {
    if (configured.getPort() != 0) {
      return configured;
    }
    Object port = vertx.sharedData().getLocalMap(io.bulwark.shared.lifecycle.ServiceRunner.MANAGEMENT_PORTS).get(name);
    return port instanceof Integer p && p > 0 ? URI.create(configured.getScheme() + "://" + configured.getHost() + ":" + p) : null;
  }

  private Future<Void> scrape(String name, URI base) {
    long started = System.nanoTime();
    return get(base.resolve("/metrics")).transform(ar -> {
      Instant at = clock.instant();
      boolean ok = ar.succeeded() && ar.result().status() == 200;
      if (ok) {
        ParsedScrape parsed = PromTextParser.parse(ar.result().body(), store::wants);
        store.ingest(name, parsed.samples(), at);
        if (parsed.junkLines() > 0) {
          LOG.debug("junk lines in scrape", kv("target", name), kv("lines", parsed.junkLines()));
          if (registry != null) {
            Counter.builder(JUNK).description("Lines of scraped /metrics bodies that could not be read")
                .tag("target", name).register(registry).increment(parsed.junkLines());
          }
        }
      }
      synthetic(UP, name, ok, at);
      record(name, ok ? "success" : "failure", System.nanoTime() - started);
      Boolean before = lastScrapeOk.put(name, ok);
      if (!ok && !Boolean.FALSE.equals(before)) {
        LOG.warn("scrape failed", kv("target", name), kv("reason",
            ar.succeeded() ? "HTTP " + ar.result().status() : String.valueOf(ar.cause().getMessage())));
      } else if (ok && Boolean.FALSE.equals(before)) {
        LOG.info("scrape recovered", kv("target", name));
      }
      return Future.succeededFuture();
    });
  }

  private Future<Void> probe(String name, URI base) {
    return get(base.resolve("/ready")).transform(ar -> {
      Instant at = clock.instant();
      boolean ok = ar.succeeded() && ar.result().status() == 200;
      readiness.get(name).record(at, ok);
      synthetic(READY, name, ok, at);
      return Future.succeededFuture();
    });
  }

  private void synthetic(String metric, String instance, boolean ok, Instant at) {
    TreeMap<String, String> labels = new TreeMap<>();
    labels.put("instance", instance);
    store.put(metric, labels, ok ? 1 : 0, at);
  }

  /** A status and a body of at most {@link #MAX_BODY_BYTES}. */
  record Answer(int status, String body) {
  }

  private Future<Answer> get(URI uri) {
    if (client == null || stopped) {
      return Future.failedFuture("scraper stopped");
    }
    RequestOptions req = new RequestOptions().setAbsoluteURI(uri.toString()).setTimeout(timeoutMs)
        .putHeader("Accept", "text/plain;version=0.0.4");
    return client.request(req).compose(r -> r.send()).compose(this::body).timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  private Future<Answer> body(HttpClientResponse resp) {
    Promise<Answer> promise = Promise.promise();
    Buffer buf = Buffer.buffer();
    resp.handler(chunk -> {
      if (buf.length() + chunk.length() > MAX_BODY_BYTES) {
        promise.tryFail("body larger than " + MAX_BODY_BYTES + " bytes");
        resp.request().reset();
        return;
      }
      buf.appendBuffer(chunk);
    });
    resp.exceptionHandler(promise::tryFail);
    resp.endHandler(v -> promise.tryComplete(new Answer(resp.statusCode(), buf.toString(StandardCharsets.UTF_8))));
    return promise.future();
  }

  private void record(String target, String result, long nanos) {
    if (registry == null) {
      return;
    }
    Counter.builder(SCRAPES).description("Scrapes of targets by result").tag("target", target).tag("result", result)
        .register(registry).increment();
    if (result.equals("failure")) {
      Counter.builder(FAILURES).description("Failed scrapes per target").tag("target", target).register(registry)
          .increment();
    }
    Timer.builder(DURATION).description("Scrape time per target").tag("target", target).register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }
}
