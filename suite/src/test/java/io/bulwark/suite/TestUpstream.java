package io.bulwark.suite;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A small upstream API for proxy tests: answers every request with what it received (method, path, headers). */
final class TestUpstream implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final AtomicInteger hits = new AtomicInteger();
  final HttpServer server;

  TestUpstream() throws Exception {
    // room for somewhat longer request lines and headers than the gateway lets through (it adds X-Forwarded-* and
    // X-Bulwark-* to what it forwards)
    HttpServerOptions options = new HttpServerOptions().setMaxHeaderSize(16 * 1024).setMaxInitialLineLength(16 * 1024);
    server = vertx.createHttpServer(options).requestHandler(req -> req.body().onSuccess(body -> {
      hits.incrementAndGet();
      JsonObject headers = new JsonObject();
      req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
      req.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("method", req.method().name())
          .put("uri", req.uri()).put("headers", headers).put("body", body.toString()).encode());
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
