package io.bulwark.shared.log;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxServiceProvider;
import io.vertx.core.spi.context.storage.ContextLocal;
import org.slf4j.MDC;

/**
 * Carries the request id with the request's Vert.x (duplicated) context instead of the thread, so that every log line
 * written while serving the request carries it, on whatever thread a callback resumes. Registered as a
 * {@link VertxServiceProvider} because context locals must exist before the first Vert.x instance is built.
 */
public final class LogContext implements VertxServiceProvider {
  private static final ContextLocal<String> REQUEST_ID = ContextLocal.registerLocal(String.class);
  /** Fallback service name for log lines written outside any service's context. */
  private static volatile String processService = System.getProperty("bulwark.service", "bulwark");

  @Override
  public void init(VertxBootstrap bootstrap) {
    // nothing to configure: loading this class registers the context local
  }

  /** Binds {@code requestId} to the current context (which, for an HTTP request, is the request's own). */
  public static void bindRequestId(String requestId) {
    Context ctx = Vertx.currentContext();
    if (ctx != null) {
      ctx.putLocal(REQUEST_ID, requestId);
    }
  }

  /** The request id of the current context, then of the thread's MDC, or null. */
  public static String requestId() {
    Context ctx = Vertx.currentContext();
    if (ctx != null) {
      String id = ctx.getLocal(REQUEST_ID);
      if (id != null) {
        return id;
      }
    }
    return MDC.get("requestId");
  }

  /** The service the current code runs for: the deployment's {@code service} entry, else the process's name. */
  public static String service() {
    Context ctx = Vertx.currentContext();
    if (ctx != null) {
      String s = ctx.config() == null ? null : ctx.config().getString("service");
      if (s != null) {
        return s;
      }
    }
    return processService;
  }

  public static void setProcessService(String name) {
    processService = name;
  }
}
