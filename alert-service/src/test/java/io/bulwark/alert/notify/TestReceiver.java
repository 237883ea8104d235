package io.bulwark.alert.notify;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real HTTP receiver on a loopback port: answers what {@code answer} says per request, checks signatures with its own
 * secret, and deduplicates by {@code X-Bulwark-Notification-Id} as the docs tell receivers to.
 */
final class TestReceiver implements AutoCloseable {
  /** One request as received. */
  record Received(long id, String path, String body, boolean signatureOk, String signature, int answered) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final Vertx vertx;
  final int port;
  private final List<String> secrets;
  final List<Received> all = new CopyOnWriteArrayList<>();
  volatile Function<Received, Integer> answer = r -> 200;
  private HttpServer server;

  TestReceiver(Vertx vertx, int port, List<String> secrets) {
    this.vertx = vertx;
    this.port = port;
    this.secrets = secrets;
  }

  TestReceiver start() throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(buf -> {
      String body = buf.toString(StandardCharsets.UTF_8);
      String sig = req.getHeader(WebhookSignature.HEADER);
      boolean ok = WebhookSignature.verify(secrets, sig, buf.getBytes(), Instant.now(), WebhookSignature.TOLERANCE);
      String idHeader = req.getHeader(WebhookSignature.NOTIFICATION_ID);
      long id = idHeader == null ? -1 : Long.parseLong(idHeader);
      Received probe = new Received(id, req.path(), body, ok, sig, 0);
      int status = answer.apply(probe);
      all.add(new Received(id, req.path(), body, ok, sig, status));
      req.response().setStatusCode(status).end();
    }));
    server.listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return this;
  }

  /** Requests answered 2xx, in arrival order. */
  List<Received> accepted() {
    return all.stream().filter(r -> r.answered() >= 200 && r.answered() < 300).toList();
  }

  /** What a deduplicating receiver processed: each notification id once, first arrival wins. */
  List<Long> processedIds() {
    return accepted().stream().map(Received::id).distinct().toList();
  }

  @Override
  public void close() throws Exception {
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      server = null;
    }
  }
}
