package io.bulwark.gateway.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real upstream on a loopback ephemeral port that counts its hits. {@code /slow?ms=N} answers after N ms,
 * {@code /big?bytes=N} streams N patterned bytes in chunks, anything else echoes the request as JSON, or answers
 * {@link #failWith} when that is set.
 */
final class TestUpstream {
  final AtomicInteger hits = new AtomicInteger();
  final AtomicInteger slowStarted = new AtomicInteger();
  /** When non-zero, every request other than /slow and /big is answered with this status. */
  volatile int failWith;
  private final HttpServer server;

  private TestUpstream(HttpServer server) {
    this.server = server;
  }

  static TestUpstream start(Vertx vertx) throws Exception {
    TestUpstream[] self = new TestUpstream[1];
    HttpServer server = vertx.createHttpServer().requestHandler(req -> self[0].handle(vertx, req));
    self[0] = new TestUpstream(server);
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    return self[0];
  }

  int port() {
    return server.actualPort();
  }

  URI uri(String basePath) {
    return URI.create("http://127.0.0.1:" + port() + basePath);
  }

  /** The byte at {@code i} of a /big answer: a pattern, so a lost or reordered chunk shows. */
  static byte patternAt(int i) {
    return (byte) (i % 251);
  }

  private void handle(Vertx vertx, HttpServerRequest req) {
    hits.incrementAndGet();
    String path = req.path();
    if (path.endsWith("/slow")) {
      slowStarted.incrementAndGet();
      long ms = Long.parseLong(req.getParam("ms", "1000"));
      vertx.setTimer(ms, t -> req.response().end("slow done"));
    } else if (path.endsWith("/big")) {
      streamBig(req, Integer.parseInt(req.getParam("bytes", "1024")));
    } else if (failWith != 0) {
      req.response().setStatusCode(failWith).end("upstream says " + failWith);
    } else {
      req.body().onSuccess(body -> {
        JsonObject headers = new JsonObject();
        req.headers().forEach(h -> {
          String name = h.getKey().toLowerCase(java.util.Locale.ROOT);
          JsonArray values = headers.getJsonArray(name, new JsonArray());
          headers.put(name, values.add(h.getValue()));
        });
        req.response()
            .putHeader("Content-Type", "application/json")
            .putHeader("X-Upstream", "echo")
            .putHeader("X-Up-Hop", "1")
            .putHeader("Connection", "X-Up-Hop")
            .putHeader("Keep-Alive", "timeout=99")
            .putHeader("Proxy-Authenticate", "Basic realm=upstream")
            .putHeader("x-request-id", "upstream-made-this-up")
            .end(new JsonObject().put("method", req.method().name()).put("uri", req.uri()).put("headers", headers)
                .put("body", body.toString()).encode());
      });
    }
  }

  /** Writes in 64 KiB chunks, each after the previous drained, without a Content-Length: a real stream. */
  private static void streamBig(HttpServerRequest req, int total) {
    req.response().setChunked(true).putHeader("Content-Type", "application/octet-stream");
    writeFrom(req, 0, total);
  }

  private static void writeFrom(HttpServerRequest req, int offset, int total) {
    if (offset >= total) {
      req.response().end();
      return;
    }
    int n = Math.min(64 * 1024, total - offset);
    byte[] chunk = new byte[n];
    for (int i = 0; i < n; i++) {
      chunk[i] = patternAt(offset + i);
    }
    req.response().write(Buffer.buffer(chunk)).onSuccess(v -> writeFrom(req, offset + n, total));
  }
}
