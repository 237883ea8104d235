package io.bulwark.alert.notify;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.shared.config.ConfigException;
import io.bulwark.shared.config.PolledFile;
import io.bulwark.shared.config.ServiceConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notification part of alert-service in one piece for the verticle: reads and validates the receivers file, starts
 * the dispatcher and registers the outbox admin consumer. A bad receivers file fails {@link #start} (start-up refused);
 * afterwards the file is polled, a valid change is applied without a restart (notifications already in the outbox go
 * as planned) and an invalid one is reported once while the receivers in force stay.
 */
public final class Notifications {
  public static final String POLL_KEY = "BULWARK_ALERT_RECEIVERS_POLL_MS";
  public static final String RELOADS = "bulwark.alert.receivers.reloads";
  static final long MAX_BYTES = 1 << 20;
  private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
  private final NotificationDispatcher dispatcher;
  private PolledFile<NotifyConfig> file = PolledFile.fixed(null);
  private String deployment;
  private Vertx vertx;

  private Notifications(NotificationDispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  /** From the service configuration (BULWARK_ALERT_* keys). */
  public static Future<Notifications> start(Vertx vertx, ServiceConfig config, Pool pool, MeterRegistry registry) {
    NotifySettings settings;
    long pollMs;
    try {
      settings = NotifySettings.from(config);
      pollMs = config.intRange(POLL_KEY, 1000, 10, 3_600_000);
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    PolledFile.Parser<NotifyConfig> parser = (text, source) -> checked(ReceiversFile.parse(source, text), settings, config);
    Future<PolledFile<NotifyConfig>> loaded = settings.receiversFile() == null
        ? vertx.executeBlocking(() -> PolledFile.fixed(checked(ReceiversFile.load(null), settings, config)), false)
        : PolledFile.load(vertx, Path.of(settings.receiversFile()), MAX_BYTES, parser, ReceiversFileException::new);
    return loaded.compose(pf -> start(vertx, pf.current(), settings, pool, new NotifyMetrics(registry), Clock.systemUTC())
        .onSuccess(n -> n.watch(pf, pollMs, registry)));
  }

  /**
   * A webhook receiver without a signing secret: refused in production (start-up, or that reload), a warning otherwise.
   * Reloads are checked the same way, so a change cannot bring an unsigned receiver in.
   */
  private static NotifyConfig checked(NotifyConfig nc, NotifySettings settings, ServiceConfig config) {
    for (Receiver r : nc.receivers().values()) {
      if (r.kind() == Receiver.Kind.WEBHOOK && settings.webhookSecrets(r).isEmpty()) {
        String key = r.secretsKey() == null ? NotifySettings.WEBHOOK_SECRETS : r.secretsKey();
        if (config.production()) {
          throw new ReceiversFileException(String.valueOf(settings.receiversFile()), "receivers." + r.name(),
              key + " is required in production: webhook receiver '" + r.name() + "' would send unsigned requests");
        }
        LOG.warn("webhook receiver '{}' has no signing secret ({} is empty): its requests are unsigned", r.name(), key);
      }
    }
    return nc;
  }

  /**
   * With everything given (tests build dispatchers this way). The dispatcher runs on an event loop of its own (a
   * verticle of its own): a full planning pass over a flood of open alerts takes seconds of CPU, and on the verticle's
   * loop it held up the alert lane — every intake post waited for it (4 s at 400 000 open alerts).
   */
  public static Future<Notifications> start(Vertx vertx, NotifyConfig config, NotifySettings settings, Pool pool,
                                            NotifyMetrics metrics, Clock clock) {
    Loop loop = new Loop(new NotificationDispatcher(vertx, pool, config, settings, metrics, clock), metrics);
    return vertx.deployVerticle(loop).map(id -> {
      Notifications n = new Notifications(loop.dispatcher);
      n.deployment = id;
      n.vertx = vertx;
      return n;
    });
  }

  /** The dispatcher and the outbox admin consumer, on the context Vert.x gives this verticle. */
  private static final class Loop extends VerticleBase {
    private final NotificationDispatcher dispatcher;
    private final NotifyMetrics metrics;
    private MessageConsumer<JsonObject> admin;

    Loop(NotificationDispatcher dispatcher, NotifyMetrics metrics) {
      this.dispatcher = dispatcher;
      this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
      admin = new OutboxAdmin(dispatcher.store(), metrics, dispatcher::kick).register(vertx);
      return Future.all(admin.completion(), dispatcher.start());
    }

    @Override
    public Future<?> stop() {
      return Future.all(admin.unregister(), dispatcher.stop());
    }
  }

  private void watch(PolledFile<NotifyConfig> polled, long pollMs, MeterRegistry registry) {
    file = polled;
    if (polled.file() == null) {
      return;
    }
    Counter applied = Counter.builder(RELOADS).tag("result", "applied").description("Receivers file reloads by result")
        .register(registry);
    Counter rejected = Counter.builder(RELOADS).tag("result", "rejected").description("Receivers file reloads by result")
        .register(registry);
    polled.startPolling(pollMs, (previous, next) -> {
      dispatcher.reconfigure(next);
      applied.increment();
      LOG.info("receivers file reloaded", kv("file", polled.file().toString()), kv("receivers", next.receivers().keySet()));
    }, problems -> {
      rejected.increment();
      LOG.warn("receivers file rejected; the receivers in force stay", kv("file", polled.file().toString()),
          kv("problems", problems));
    });
  }

  public NotificationDispatcher dispatcher() {
    return dispatcher;
  }

  public Future<Void> stop() {
    return file.close().eventually(() -> deployment == null ? Future.succeededFuture()
        // undeploying stops the dispatcher and the admin consumer; already gone when the whole Vert.x is closing
        : vertx.undeploy(deployment).recover(t -> Future.succeededFuture())).mapEmpty();
  }
}
