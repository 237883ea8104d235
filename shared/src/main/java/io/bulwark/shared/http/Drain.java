package io.bulwark.shared.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Once shutdown begins, every response asks the client to close its connection, so keep-alive clients move to another
 * instance instead of sending their next request into a socket that is about to close.
 */
public final class Drain implements Handler<RoutingContext> {
  private final AtomicBoolean draining = new AtomicBoolean();

  public void begin() {
    draining.set(true);
  }

  public boolean draining() {
    return draining.get();
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (draining.get()) {
      ctx.response().putHeader("Connection", "close");
    }
    ctx.next();
  }
}
