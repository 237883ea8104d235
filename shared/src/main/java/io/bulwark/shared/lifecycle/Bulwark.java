package io.bulwark.shared.lifecycle;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.shared.cluster.ClusterSetup;
import io.bulwark.shared.config.ConfigLoader;
import io.bulwark.shared.config.ServiceConfig;
import io.bulwark.shared.metrics.ServiceMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one or more services in one Vert.x instance (one for a service process, four for the suite) and shuts them down
 * in order: readiness 503 and connection draining first, then servers, verticles, pools, Vert.x.
 */
public final class Bulwark {
  private static final Logger LOG = LoggerFactory.getLogger(Bulwark.class);
  private final Vertx vertx;
  private final List<ServiceRunner> runners;
  private final int drainMs;
  private volatile Future<Void> stopping;

  private Bulwark(Vertx vertx, List<ServiceRunner> runners, int drainMs) {
    this.vertx = vertx;
    this.runners = runners;
    this.drainMs = drainMs;
  }

  /** Loads each service's configuration, builds Vert.x (clustered when configured) and starts the services in order. */
  public static Future<Bulwark> start(List<BulwarkService> services, Map<String, String> env, ConfigLoader.Mode mode) {
    Vertx bootstrap = Vertx.vertx();
    List<Future<ServiceConfig>> loads = new ArrayList<>();
    for (BulwarkService s : services) {
      loads.add(ConfigLoader.load(bootstrap, s.name(), env, mode));
    }
    return Future.all(loads).eventually(bootstrap::close).compose(all -> {
      List<ServiceConfig> configs = all.list();
      ServiceConfig first = configs.get(0);
      List<ServiceMetrics> metrics = new ArrayList<>();
      for (BulwarkService s : services) {
        metrics.add(new ServiceMetrics(s.name()));
      }
      // Vert.x's own metrics (pools, event bus) go to the first service's registry: one set per process.
      // Raw TCP client metrics are left out (every pool's client would register the same unlabelled gauges); SQL
      // client metrics carry the pool's name as namespace, one value per service schema. Its HTTP server and client
      // metrics are left out too: bulwark_api_requests_total (route templates, bounded methods) and the gateway's
      // upstream timers measure the same at a fraction of the per-request cost.
      VertxOptions opts = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
          .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT).addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
          .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
          .setLabels(EnumSet.of(Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME, Label.EB_SIDE, Label.NAMESPACE)));
      var builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory(metrics.get(0).registry()));
      Future<Vertx> vx;
      if (first.cluster()) {
        opts.getEventBusOptions().setHost(first.clusterHost()).setPort(0).setClusterPublicHost(first.clusterHost());
        vx = builder.with(opts).withClusterManager(ClusterSetup.clusterManager(first)).buildClustered();
      } else {
        vx = Future.succeededFuture(builder.with(opts).build());
      }
      return vx.compose(vertx -> {
        List<ServiceRunner> runners = new ArrayList<>();
        for (int i = 0; i < services.size(); i++) {
          runners.add(new ServiceRunner(services.get(i), configs.get(i), metrics.get(i)));
        }
        Bulwark b = new Bulwark(vertx, runners, first.shutdownDrainMs());
        Future<Void> chain = Future.succeededFuture();
        for (ServiceRunner r : runners) {
          chain = chain.compose(x -> r.start(vertx).mapEmpty());
        }
        return chain.map(b).recover(err -> b.stop().transform(x -> Future.failedFuture(err)));
      });
    });
  }

  public Vertx vertx() {
    return vertx;
  }

  public List<ServiceRunner> runners() {
    return runners;
  }

  public ServiceRunner runner(String name) {
    return runners.stream().filter(r -> r.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no service " + name));
  }

  /** Graceful shutdown; idempotent. */
  public synchronized Future<Void> stop() {
    if (stopping != null) {
      return stopping;
    }
    runners.forEach(ServiceRunner::beginDrain);
    Promise<Void> drained = Promise.promise();
    if (drainMs > 0) {
      vertx.setTimer(drainMs, t -> drained.complete());
    } else {
      drained.complete();
    }
    Future<Void> chain = drained.future();
    for (ServiceRunner r : runners) {
      chain = chain.eventually(r::stop);
    }
    stopping = chain.eventually(vertx::close).onSuccess(x -> LOG.info("all services stopped", kv("event", "shutdown")));
    return stopping;
  }

  /** The first line of a failure's message: start-up errors must read as one line. */
  static String firstLine(Throwable t) {
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl).strip();
  }

  /**
   * Runs {@code services} as a process: starts them, turns SIGTERM and SIGINT into a graceful stop and exits 0 after a
   * clean one. A start-up failure is one clear log line and exit code 1 (2 for bad configuration).
   */
  public static void runProcess(List<BulwarkService> services, ConfigLoader.Mode mode, Map<String, String> env,
                                java.util.function.Consumer<Bulwark> onStarted) {
    Bulwark running;
    try {
      running = start(services, env, mode).toCompletionStage().toCompletableFuture().get(180, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
      LOG.error("start-up failed: {}", firstLine(cause), kv("event", "startup_failed"));
      System.exit(cause instanceof io.bulwark.shared.config.ConfigException ? 2 : 1);
      return;
    }
    onStarted.accept(running);
    Signals.onTerminate(signal -> {
      LOG.info("received SIG{}, shutting down", signal, kv("event", "shutdown"));
      int timeoutMs = running.runners().get(0).context().config().shutdownTimeoutMs() + running.drainMs;
      int code = 0;
      try {
        running.stop().toCompletionStage().toCompletableFuture().get(timeoutMs + 5000L, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.error("shutdown did not complete cleanly: {}", e.getMessage(), kv("event", "shutdown"));
        code = 1;
      }
      return code;
    });
  }
}
