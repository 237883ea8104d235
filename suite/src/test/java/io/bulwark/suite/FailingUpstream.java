package io.bulwark.suite;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** An upstream API that answers 200, or 500 while {@link #failing} is set: the outage alerts are made of. */
final class FailingUpstream implements AutoCloseable {
  final AtomicBoolean failing = new AtomicBoolean();
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  FailingUpstream() throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> req.response()
            .setStatusCode(failing.get() ? 500 : 200).putHeader("Content-Type", "application/json")
            .end(failing.get() ? "{\"error\":\"down\"}" : "{\"ok\":true}"))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
