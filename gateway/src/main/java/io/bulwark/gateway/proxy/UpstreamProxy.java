package io.bulwark.gateway.proxy;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.gateway.auth.Caller;
import io.bulwark.shared.http.ErrorCodes;
import io.bulwark.shared.http.Problem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards an admitted request to one of its route's upstreams through vertx-http-proxy, with the route's timeout,
 * retries for idempotent methods and a per-route circuit breaker; upstream trouble becomes a 502, 503 or 504 problem,
 * never a 500.
 */
public final class UpstreamProxy {
  public static final String DURATION = "bulwark.gateway.upstream.duration";
  public static final String RETRIES = "bulwark.gateway.upstream.retries";
  public static final String CIRCUIT_STATE = RouteCircuits.STATE;
  /** Connections kept per upstream host and port: enough for bursts without letting one route starve the others. */
  static final int POOL_PER_UPSTREAM = 64;
  static final long BACKOFF_MS = 25;
  static final int KEEP_ALIVE_SECONDS = 4;
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamProxy.class);
  /** RFC 9110 §9.2.2: repeating these has the same effect as sending them once, so a retry cannot double an order. */
  private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
      HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);
  private static final Set<Integer> RETRY_STATUSES = Set.of(502, 503, 504);
  private static final Duration[] BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  /** What became of one upstream call: the {@code outcome} tag of the duration timer. */
  enum Outcome { OK, ERROR_STATUS, TIMEOUT, UNAVAILABLE, CIRCUIT_OPEN, CLIENT_GONE;
    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One client request on its way through the attempts. */
  private record Exchange(RoutingContext ctx, ProxyRoute route, ProxyRequest request, Buffer body, int attempts) {}

  private final Vertx vertx;
  private final MeterRegistry registry;
  private final HttpClient client;
  private final RouteCircuits circuits;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, Counter> retryCounters = new ConcurrentHashMap<>();
  /** One "upstream call failed" or "retrying" line per route and outcome per 10 s; metrics count them all. */
  private final FailureLog failureLog = new FailureLog(10_000, System::nanoTime);

  public UpstreamProxy(Vertx vertx, MeterRegistry registry) {
    this.vertx = vertx;
    this.registry = registry;
    this.circuits = new RouteCircuits(registry);
    // No decompression and no redirects: the client gets the upstream's bytes and status as they were sent. Idle
    // connections are dropped before common upstream servers drop theirs (Node.js: 5 s), so a request is not written
    // into a connection the upstream is closing, which would fail a POST that cannot be retried.
    this.client = vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
            .setDecompressionSupported(false).setName("bulwark-upstream"),
        new PoolOptions().setHttp1MaxSize(POOL_PER_UPSTREAM).setHttp2MaxSize(POOL_PER_UPSTREAM / 8));
  }

  /** Aligns circuit breakers with a newly applied route table. */
  public void useRoutes(RouteTable table) {
    circuits.retain(table);
  }

  /**
   * Forwards the request to {@code route}'s upstreams and relays the answer. Authentication and rate limiting must
   * already have passed, and the body must already be read (ApiRouter's BodyHandler) so that a retry can resend it.
   */
  public void forward(RoutingContext ctx, ProxyRoute route) {
    ProxyRequest request = ProxyRequest.reverseProxy(ctx.request());
    ProxyHeaders.toUpstream(ctx, request.headers(), Caller.of(ctx));
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    int attempts = 1 + (IDEMPOTENT.contains(ctx.request().method()) ? route.retries() : 0);
    attempt(new Exchange(ctx, route, request, body == null || body.length() == 0 ? null : body, attempts), 1);
  }

  /** Closes the upstream connections. */
  public Future<Void> close() {
    return client.close();
  }

  private void attempt(Exchange x, int n) {
    RouteCircuits.Circuit circuit = circuits.of(x.route());
    if (!circuit.tryAcquire()) {
      timer(x.route(), Outcome.CIRCUIT_OPEN).record(0, TimeUnit.NANOSECONDS);
      long retryAfter = circuit.retryAfterSeconds();
      x.ctx().response().putHeader("Retry-After", Long.toString(retryAfter));
      Problem.send(x.ctx(), 503, ErrorCodes.UPSTREAM_CIRCUIT_OPEN,
          "route " + x.route().id() + ": the upstream is failing, so calls to it are paused; retry after "
              + retryAfter + " s");
      return;
    }
    URI upstream = circuit.pick(x.route().upstreams());
    long start = System.nanoTime();
    send(x, upstream).onComplete(ar -> {
      long nanos = System.nanoTime() - start;
      boolean more = n < x.attempts() && !x.ctx().response().closed();
      if (ar.succeeded()) {
        ProxyResponse response = ar.result();
        int status = response.getStatusCode();
        circuit.record(nanos, status >= 500 ? new UpstreamStatusException(status) : null);
        timer(x.route(), status >= 500 ? Outcome.ERROR_STATUS : Outcome.OK).record(nanos, TimeUnit.NANOSECONDS);
        if (more && RETRY_STATUSES.contains(status)) {
          // Reading the discarded answer to its end lets its connection go back to the pool.
          response.release();
          retry(x, n, upstream, "status " + status);
        } else {
          relay(x, response);
        }
      } else if (x.ctx().response().closed()) {
        // the client went away and the proxy abandoned the upstream call: not the upstream's failure
        circuit.release();
        timer(x.route(), Outcome.CLIENT_GONE).record(nanos, TimeUnit.NANOSECONDS);
        LOG.debug("client left before the upstream answered", kv("route", x.route().id()));
      } else {
        Outcome outcome = classify(ar.cause());
        circuit.record(nanos, ar.cause());
        timer(x.route(), outcome).record(nanos, TimeUnit.NANOSECONDS);
        if (more) {
          retry(x, n, upstream, String.valueOf(ar.cause().getMessage()));
        } else {
          fail(x, upstream, outcome, ar.cause());
        }
      }
    });
  }

  private void retry(Exchange x, int n, URI upstream, String reason) {
    long skipped = failureLog.admit(x.route().id(), "retry");
    if (skipped >= 0) {
      LOG.info("retrying upstream call", kv("route", x.route().id()), kv("upstream", authority(upstream)),
          kv("attempt", n), kv("reason", reason), kv("notLoggedSince", skipped));
    }
    retryCounters.computeIfAbsent(x.route().id(), id -> Counter.builder(RETRIES)
        .description("Upstream calls repeated after a failure").tag("route", id).register(registry)).increment();
    vertx.setTimer(BACKOFF_MS * n, t -> attempt(x, n + 1));
  }

  /** Streams the upstream answer to the client; the body is piped, never held whole. */
  private void relay(Exchange x, ProxyResponse response) {
    ProxyHeaders.fromUpstream(response.headers());
    response.send().onFailure(e -> LOG.debug("relaying the upstream answer failed", kv("route", x.route().id()),
        kv("error", String.valueOf(e.getMessage()))));
  }

  private void fail(Exchange x, URI upstream, Outcome outcome, Throwable cause) {
    long skipped = failureLog.admit(x.route().id(), outcome.tag());
    if (skipped >= 0) {
      // at most one line per route and outcome per interval: an upstream outage at full traffic must not flood the log
      LOG.warn("upstream call failed", kv("route", x.route().id()), kv("upstream", authority(upstream)),
          kv("outcome", outcome.tag()), kv("error", String.valueOf(cause.getMessage())), kv("notLoggedSince", skipped));
    }
    if (outcome == Outcome.TIMEOUT) {
      Problem.send(x.ctx(), 504, ErrorCodes.UPSTREAM_TIMEOUT, "route " + x.route().id()
          + ": the upstream did not answer within " + x.route().timeout().toMillis() + " ms");
    } else {
      Problem.send(x.ctx(), 502, ErrorCodes.UPSTREAM_UNAVAILABLE, "route " + x.route().id()
          + ": the upstream could not be reached");
    }
  }

  /**
   * One call to {@code upstream}, failed with a {@link TimeoutException} when its response headers have not arrived
   * within the route's timeout. The request is reset on timeout so the upstream stops working on an abandoned call.
   */
  private Future<ProxyResponse> send(Exchange x, URI upstream) {
    boolean tls = "https".equals(upstream.getScheme());
    long timeoutMs = x.route().timeout().toMillis();
    String uri = ProxyHeaders.upstreamUri(x.route(), upstream, x.ctx().normalizedPath(), x.ctx().request().query());
    String host = upstream.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    RequestOptions options = new RequestOptions().setMethod(x.request().getMethod()).setHost(host)
        .setPort(upstream.getPort() > 0 ? upstream.getPort() : tls ? 443 : 80).setSsl(tls).setURI(uri)
        .setFollowRedirects(false).setConnectTimeout(timeoutMs).setIdleTimeout(timeoutMs);
    x.request().setURI(uri);
    // A fresh body stream per attempt: a buffered body can be replayed, a consumed stream could not.
    x.request().setBody(x.body() == null ? null : Body.body(x.body()));
    Promise<ProxyResponse> result = Promise.promise();
    HttpClientRequest[] sent = new HttpClientRequest[1];
    long timer = vertx.setTimer(timeoutMs, t -> {
      if (result.tryFail(new TimeoutException("no response headers within " + timeoutMs + " ms")) && sent[0] != null) {
        sent[0].reset();
      }
    });
    client.request(options).compose(request -> {
      if (result.future().isComplete()) {
        request.reset();
        return Future.<ProxyResponse>failedFuture("abandoned after the timeout");
      }
      sent[0] = request;
      return x.request().send(request);
    }).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        if (!result.tryComplete(ar.result())) {
          ar.result().release();
        }
      } else {
        result.tryFail(ar.cause());
      }
    });
    return result.future();
  }

  static Outcome classify(Throwable cause) {
    return cause instanceof TimeoutException || cause instanceof ConnectTimeoutException ? Outcome.TIMEOUT
        : Outcome.UNAVAILABLE;
  }

  private Timer timer(ProxyRoute route, Outcome outcome) {
    return timers.computeIfAbsent(route.id() + ' ' + outcome.tag(), k -> Timer.builder(DURATION)
        .description("Time until the upstream's response headers, per call").serviceLevelObjectives(BUCKETS)
        .tags("route", route.id(), "outcome", outcome.tag()).register(registry));
  }

  private static String authority(URI upstream) {
    return upstream.getScheme() + "://" + upstream.getRawAuthority();
  }

  /** An upstream answered with a 5xx status: a failure as far as the circuit breaker is concerned. */
  static final class UpstreamStatusException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UpstreamStatusException(int status) {
      super("upstream answered " + status, null, false, false);
    }
  }
}
