package io.bulwark.shared.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One log line per served request: method, path, route template, status, duration and caller, with its request id. */
public final class AccessLog implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(done -> {
      int status = ctx.response().getStatusCode();
      String route = ctx.get(ApiRouter.ROUTE_KEY);
      LOG.info("{} {} {}", ctx.request().method(), ctx.normalizedPath(), status, kv("event", "http.request"),
          kv("method", ctx.request().method().name()), kv("path", ctx.normalizedPath()),
          kv("route", route == null ? HttpMetrics.UNMATCHED : route), kv("status", status),
          kv("durationMs", (System.nanoTime() - start) / 1_000_000), kv("sourceIp", ctx.request().remoteAddress().hostAddress()));
    });
    ctx.next();
  }
}
