package io.bulwark.shared.http;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gate's order of events on a real server: a request that arrives once shutdown has begun is held, the listener
 * closes, and only then is the request answered — so a client never has its request cut off by the unbind.
 */
class ShutdownGateIT {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aRequestDuringTheHoldIsAnsweredAfterTheListenerClosed() throws Exception {
    ShutdownGate gate = new ShutdownGate(vertx);
    Router router = Router.router(vertx);
    router.route().handler(gate);
    router.route().handler(ctx -> ctx.response().end("answered"));
    HttpServer server = vertx.createHttpServer().connectionHandler(gate::track).requestHandler(router)
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    int port = server.actualPort();

    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(5000);
      long start = System.nanoTime();
      Future<Void> stopped = gate.shutdown(server, 300, 5000);
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      String status = in.readLine();
      long answeredMs = (System.nanoTime() - start) / 1_000_000;

      assertTrue(status != null && status.startsWith("HTTP/1.1 200"), "request lost: " + status);
      assertTrue(answeredMs >= 250, "answered after " + answeredMs + " ms, before the hold ended");
      assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close(),
          "the listener still accepted connections when the held request was answered");
      stopped.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
