package io.bulwark.shared.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Closes a traffic server's listener without cutting off a request that a client has already sent.
 *
 * <p>{@link HttpServer#shutdown(long, TimeUnit)} unbinds and at once closes every connection with no request in
 * progress, including one accepted an instant earlier whose request has not been read yet; connections still queued on
 * the listening socket are reset by the kernel. During the drain window every response says {@code Connection: close},
 * so busy clients reconnect after each response and some are always mid-connect: their requests would be lost. The
 * gate holds new requests for a short moment before the unbind, so every active client is waiting for an answer rather
 * than connecting when the listener closes, and lets the held requests through once it has closed (each connection is
 * told of the shutdown only after the unbind). A client that connects after that is refused, which a balancer handles.
 */
public final class ShutdownGate implements Handler<RoutingContext> {
  private final Vertx vertx;
  private final List<Held> held = new ArrayList<>();
  private boolean holding;

  private record Held(Context context, RoutingContext request) {}

  public ShutdownGate(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Route handler, after the body handler: passes requests on, or holds them while the listener is about to close. */
  @Override
  public void handle(RoutingContext ctx) {
    synchronized (this) {
      if (holding) {
        held.add(new Held(Vertx.currentContext(), ctx));
        return;
      }
    }
    ctx.next();
  }

  /** Server connection handler: a connection hears of the shutdown only once the listener is closed. */
  public void track(HttpConnection connection) {
    connection.shutdownHandler(v -> release());
  }

  /**
   * Holds new requests for {@code holdMs}, then shuts {@code server} down (in-flight and held requests finish within
   * {@code timeoutMs}). With {@code holdMs} 0 it is a plain shutdown.
   */
  public Future<Void> shutdown(HttpServer server, long holdMs, long timeoutMs) {
    if (holdMs <= 0) {
      return server.shutdown(timeoutMs, TimeUnit.MILLISECONDS);
    }
    synchronized (this) {
      holding = true;
    }
    Promise<Void> quiet = Promise.promise();
    vertx.setTimer(holdMs, t -> quiet.complete());
    return quiet.future().compose(x -> {
      // a held request always has an open connection, so release() comes from its shutdown event; this is a backstop
      long backstop = vertx.setTimer(Math.max(1000, holdMs), t -> release());
      return server.shutdown(timeoutMs, TimeUnit.MILLISECONDS).eventually(() -> {
        vertx.cancelTimer(backstop);
        release();
        return Future.succeededFuture();
      });
    });
  }

  private void release() {
    List<Held> out;
    synchronized (this) {
      holding = false;
      out = new ArrayList<>(held);
      held.clear();
    }
    // on the request's own context, and after the connection has registered the shutdown (runOnContext is deferred)
    out.forEach(h -> h.context().runOnContext(v -> h.request().next()));
  }
}
