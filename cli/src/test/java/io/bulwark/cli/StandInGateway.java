package io.bulwark.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gateway played on loopback for the backup commands' tests: a script answers each request the way the real admin
 * API documents (202, running, succeeded or failed, problem+json refusals), and every request is kept for asserting.
 */
final class StandInGateway implements AutoCloseable {
  /** One request as the gateway saw it. */
  record Request(String method, String path, String query, String authorization, String contentType, String body,
      String requestId) {}

  /** What to answer. */
  record Reply(int status, String contentType, String body) {
    static Reply json(int status, JsonObject body) {
      return new Reply(status, "application/json", body.encode());
    }

    static Reply problem(int status, String code, String detail) {
      return new Reply(status, "application/problem+json", new JsonObject().put("type", "https://bulwark.dev/problems/"
          + code).put("title", "t").put("status", status).put("detail", detail).put("code", code)
          .put("requestId", "rid-" + code).encode());
    }
  }

  /** Answers a request; {@code nth} counts from 1 the requests so far with the same method and path. */
  interface Script {
    Reply answer(Request request, int nth) throws Exception;
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  private StandInGateway(Script script) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newFixedThreadPool(4);
    server.setExecutor(executor);
    server.createContext("/", exchange -> handle(exchange, script));
    server.start();
  }

  static StandInGateway start(Script script) {
    try {
      return new StandInGateway(script);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  long count(String method, String path) {
    return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).count();
  }

  private void handle(HttpExchange exchange, Script script) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Request r = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders().getFirst("Authorization"),
          exchange.getRequestHeaders().getFirst("Content-Type"), body,
          exchange.getRequestHeaders().getFirst("x-request-id"));
      requests.add(r);
      int nth = counts.computeIfAbsent(r.method() + " " + r.path(), k -> new AtomicInteger()).incrementAndGet();
      Reply reply;
      try {
        reply = script.answer(r, nth);
      } catch (Exception e) {
        reply = Reply.problem(500, "internal.error", "stand-in script failed: " + e);
      }
      byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", reply.contentType());
      exchange.getResponseHeaders().set("x-request-id", r.requestId() != null ? r.requestId() : "rid-none");
      exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** A port nothing listens on (bound, then released): connection refused. */
  static int closedPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
