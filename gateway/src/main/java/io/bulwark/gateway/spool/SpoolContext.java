package io.bulwark.gateway.spool;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * The one context the spool's state lives on: offers arrive from every event loop, but timers, replies and query results
 * are all handled here, so that state needs no locks.
 */
final class SpoolContext {
  private final Context context;

  SpoolContext(Context context) {
    this.context = context;
  }

  /** Runs {@code work} on the context and completes with its result. */
  <T> Future<T> run(Supplier<Future<T>> work) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> {
      try {
        work.get().onComplete(p);
      } catch (RuntimeException e) {
        p.fail(e);
      }
    });
    return p.future();
  }

  /** Runs {@code task} on the context later, never inside the caller's stack. */
  void later(Runnable task) {
    context.runOnContext(v -> task.run());
  }

  /** The same result, handled on the context whatever thread completed it. */
  <T> Future<T> here(Future<T> f) {
    Promise<T> p = Promise.promise();
    f.onComplete(ar -> {
      if (Vertx.currentContext() == context) {
        p.handle(ar);
      } else {
        context.runOnContext(v -> p.handle(ar));
      }
    });
    return p.future();
  }
}
