package io.bulwark.gateway.proxy;

import io.bulwark.gateway.auth.Caller;
import io.bulwark.shared.http.ApiRouter;
import io.bulwark.shared.http.Drain;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's traffic path as the gateway mounts it (ApiRouter, route match, authentication, forwarder) on a loopback
 * port, with a stand-in for authentication: {@code Authorization: Bearer tenant-token} makes the caller tenant
 * {@code acme} with key {@code key-7}.
 */
final class TestGateway {
  static final String TENANT_TOKEN = "Bearer tenant-token";
  final UpstreamProxy proxy;
  private final HttpServer server;
  private final HttpClient client;
  /**
   * Every client call starts on this context: in Vert.x 5.0.10 a client used straight from a test thread now and then
   * never sees its response (reproduced without the proxy, with a bare router); from a Vert.x context it does.
   */
  private final Context clientContext;

  /** A response as the client saw it. */
  record Answer(int status, MultiMap headers, Buffer body) {
    JsonObject json() {
      return body.toJsonObject();
    }

    /** The headers the upstream echoed. */
    JsonObject upstreamHeaders() {
      return json().getJsonObject("headers");
    }

    String upstreamHeader(String name) {
      var values = upstreamHeaders().getJsonArray(name);
      return values == null ? null : String.join(",", values.getList());
    }
  }

  private TestGateway(UpstreamProxy proxy, HttpServer server, HttpClient client, Context clientContext) {
    this.proxy = proxy;
    this.server = server;
    this.client = client;
    this.clientContext = clientContext;
  }

  static TestGateway start(Vertx vertx, MeterRegistry registry, RouteFile routes) throws Exception {
    UpstreamProxy proxy = new UpstreamProxy(vertx, registry);
    ProxyRoutes proxyRoutes = new ProxyRoutes(routes, proxy);
    Router router = ApiRouter.create(vertx, registry, new Drain(), 1 << 20);
    router.route().handler(proxyRoutes::match);
    router.route().handler(ctx -> {
      if (TENANT_TOKEN.equals(ctx.request().getHeader("Authorization"))) {
        ctx.put(Caller.KEY, new Caller(Caller.Kind.API_KEY, "acme", "key-7", Set.of(), "key-7"));
      }
      ctx.next();
    });
    router.route().handler(proxyRoutes.forwarder());
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    return new TestGateway(proxy, server, vertx.createHttpClient(), vertx.getOrCreateContext());
  }

  int port() {
    return server.actualPort();
  }

  Answer get(String path) throws Exception {
    return call(HttpMethod.GET, path, MultiMap.caseInsensitiveMultiMap(), null);
  }

  Answer call(HttpMethod method, String path, MultiMap headers, String body) throws Exception {
    return callAsync(method, path, headers, body).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  Future<Answer> callAsync(HttpMethod method, String path, MultiMap headers, String body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port()).setURI(path)
        .setHeaders(headers).setTimeout(20_000);
    Promise<Answer> answer = Promise.promise();
    clientContext.runOnContext(v -> client.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), resp.headers(), b)))
        .onComplete(answer));
    return answer.future();
  }
}
