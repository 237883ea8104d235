package io.bulwark.shared.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.bulwark.shared.db.DatabaseFailures;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds routers that share Bulwark's request handling: request id, drain, metrics, body limit, and every error
 * (unknown route, wrong method, oversized body, malformed JSON, failures) rendered as problem+json.
 */
public final class ApiRouter {
  static final String ROUTE_KEY = "bulwark.route";
  /** Largest request line the router serves; the HTTP codec admits more, so that a longer one gets a problem answer. */
  public static final int MAX_URI_LENGTH = 8 * 1024;
  /** Largest total size of request headers the router serves; the codec admits more, for the same reason. */
  public static final int MAX_HEADER_BYTES = 8 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);

  private ApiRouter() {}

  /** A router for traffic: every request is also written to the access log. */
  public static Router create(Vertx vertx, MeterRegistry registry, Drain drain, int maxBodyBytes) {
    return create(vertx, registry, drain, maxBodyBytes, false);
  }

  /**
   * {@code quiet} leaves out the access log: probes and scrapes hit management ports every few seconds and would drown
   * the lines that matter.
   */
  public static Router create(Vertx vertx, MeterRegistry registry, Drain drain, int maxBodyBytes, boolean quiet) {
    Router router = Router.router(vertx);
    router.route().handler(new RequestIds()).handler(ApiRouter::withinLimits).handler(ApiRouter::readablePath).handler(drain).handler(new HttpMetrics(registry));
    if (!quiet) {
      router.route().handler(new AccessLog());
    }
    router.route().handler(ApiRouter::formOnlyWithBody);
    router.route().handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes).setMergeFormAttributes(false));
    router.route().failureHandler(ApiRouter::onFailure);
    router.errorHandler(404, ctx -> Problem.send(ctx, 404, ErrorCodes.NOT_FOUND, "no route for " + ctx.request().method() + " " + ctx.normalizedPath()));
    router.errorHandler(405, ctx -> Problem.send(ctx, 405, ErrorCodes.METHOD_NOT_ALLOWED, ctx.request().method() + " is not allowed on " + ctx.normalizedPath()));
    router.errorHandler(413, ctx -> Problem.send(ctx, 413, ErrorCodes.BODY_TOO_LARGE, "request body exceeds " + maxBodyBytes + " bytes"));
    router.errorHandler(500, ApiRouter::onFailure);
    return router;
  }

  /**
   * Over-long request lines and headers are refused here rather than by the HTTP codec: the codec closes the connection
   * at once, and a client still sending its body then loses the answer to a reset. Here the rest of the body is read
   * and discarded, and the answer arrives.
   */
  private static void withinLimits(RoutingContext ctx) {
    int headerBytes = 0;
    for (var h : ctx.request().headers()) {
      headerBytes += h.getKey().length() + h.getValue().length() + 4;
    }
    if (ctx.request().uri().length() > MAX_URI_LENGTH) {
      refuse(ctx, 414, "request.uri_too_long", "the request line is longer than " + MAX_URI_LENGTH + " characters");
    } else if (headerBytes > MAX_HEADER_BYTES) {
      refuse(ctx, 431, "request.headers_too_large", "the request headers are larger than " + MAX_HEADER_BYTES + " bytes");
    } else {
      ctx.next();
    }
  }

  private static void refuse(RoutingContext ctx, int status, String code, String detail) {
    ctx.request().handler(ignored -> { }).resume();
    Problem.send(ctx, status, code, detail);
  }

  /** A path with a broken percent-escape cannot be matched against any route: it is the client's error, not ours. */
  private static void readablePath(RoutingContext ctx) {
    try {
      ctx.normalizedPath();
    } catch (IllegalArgumentException e) {
      Problem.send(ctx, 400, "request.malformed", "the request path is not valid (bad percent-encoding)");
      return;
    }
    ctx.next();
  }

  /**
   * Form encodings are decoded only for methods that carry a body; on any other method Vert.x refuses to decode them,
   * so such a request is answered here instead of failing inside the body handler.
   */
  private static void formOnlyWithBody(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    HttpMethod m = ctx.request().method();
    if (type != null && !(m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH || m == HttpMethod.DELETE)) {
      String t = type.toLowerCase(java.util.Locale.ROOT);
      if (t.startsWith("multipart/") || t.startsWith("application/x-www-form-urlencoded")) {
        Problem.send(ctx, 415, ErrorCodes.UNSUPPORTED_MEDIA_TYPE, "a " + m.name() + " request cannot carry a form body");
        return;
      }
    }
    ctx.next();
  }

  /** A route whose metrics carry {@code path} (a template such as {@code /v1/events/:index}) as their label. */
  public static Route route(Router router, HttpMethod method, String path) {
    return router.route(method, path).handler(ctx -> {
      ctx.put(ROUTE_KEY, path);
      ctx.next();
    });
  }

  /**
   * Names the route of a request whose path is not a router template (a proxied route): {@code label} must come from a
   * bounded set, such as a configured route id.
   */
  public static void label(RoutingContext ctx, String label) {
    ctx.put(ROUTE_KEY, label);
  }

  /** The metric label of the request's route, or null before one matched. */
  public static String labelOf(RoutingContext ctx) {
    return ctx.get(ROUTE_KEY);
  }

  private static final long DB_WARNING_INTERVAL_MS = 10_000;
  private static final java.util.concurrent.atomic.AtomicLong LAST_DB_WARNING =
      new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE / 2);

  private static void onFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiException e) {
      Problem.send(ctx, e);
    } else if (failure instanceof DecodeException || (failure != null && failure.getCause() instanceof DecodeException)) {
      Problem.send(ctx, 400, ErrorCodes.MALFORMED_JSON, "request body is not valid JSON");
    } else if (DatabaseFailures.unavailable(failure)) {
      long now = System.currentTimeMillis();
      long last = LAST_DB_WARNING.get();
      // one line per interval during an outage, not one per request
      if (now - last >= DB_WARNING_INTERVAL_MS && LAST_DB_WARNING.compareAndSet(last, now)) {
        LOG.warn("database unavailable on {} {}: {} (answered 503 db.unavailable; logged at most every {} s)",
            ctx.request().method(), ctx.normalizedPath(), failure.toString(), DB_WARNING_INTERVAL_MS / 1000);
      }
      Problem.send(ctx, 503, ErrorCodes.DB_UNAVAILABLE, "the database is unavailable; retry shortly");
    } else if (ctx.statusCode() == 413) {
      Problem.send(ctx, 413, ErrorCodes.BODY_TOO_LARGE, "request body is too large");
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      Problem.send(ctx, ctx.statusCode(), "request.invalid", "the request was rejected");
    } else {
      LOG.error("unhandled failure on {} {}", ctx.request().method(), ctx.normalizedPath(), failure);
      Problem.send(ctx, 500, ErrorCodes.INTERNAL, "internal error; quote the request id when reporting it");
    }
  }
}
