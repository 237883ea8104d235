package io.bulwark.alert.notify;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.shared.config.ConfigException;
import io.bulwark.shared.config.PolledFile;
import io.bulwark.shared.config.ServiceConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
  private final MessageConsumer<JsonObject> admin;
  private PolledFile<NotifyConfig> file = PolledFile.fixed(null);

  private Notifications(NotificationDispatcher dispatcher, MessageConsumer<JsonObject> admin) {
    this.dispatcher = dispatcher;
    this.admin = admin;
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

  /** With everything given (tests build dispatchers this way). */
  public static Future<Notifications> start(Vertx vertx, NotifyConfig config, NotifySettings settings, Pool pool,
                                            NotifyMetrics metrics, Clock clock) {
    NotificationDispatcher dispatcher = new NotificationDispatcher(vertx, pool, config, settings, metrics, clock);
    MessageConsumer<JsonObject> admin = new OutboxAdmin(dispatcher.store(), metrics, dispatcher::kick).register(vertx);
    return Future.all(admin.completion(), dispatcher.start()).map(v -> new Notifications(dispatcher, admin));
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
    return file.close().eventually(() -> Future.all(admin.unregister(), dispatcher.stop())).mapEmpty();
  }
}
