package io.bulwark.alert.notify;

import io.bulwark.shared.config.ConfigException;
import io.bulwark.shared.config.ServiceConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notification part of alert-service in one piece for the verticle: reads and validates the receivers file, starts
 * the dispatcher and registers the outbox admin consumer. A bad receivers file fails {@link #start} (start-up refused).
 */
public final class Notifications {
  private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
  private final NotificationDispatcher dispatcher;
  private final MessageConsumer<JsonObject> admin;

  private Notifications(NotificationDispatcher dispatcher, MessageConsumer<JsonObject> admin) {
    this.dispatcher = dispatcher;
    this.admin = admin;
  }

  /** From the service configuration (BULWARK_ALERT_* keys). */
  public static Future<Notifications> start(Vertx vertx, ServiceConfig config, Pool pool, MeterRegistry registry) {
    NotifySettings settings;
    try {
      settings = NotifySettings.from(config);
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    return vertx.executeBlocking(() -> ReceiversFile.load(settings.receiversFile())).compose(nc -> {
      for (Receiver r : nc.receivers().values()) {
        if (r.kind() == Receiver.Kind.WEBHOOK && settings.webhookSecrets(r).isEmpty()) {
          String key = r.secretsKey() == null ? NotifySettings.WEBHOOK_SECRETS : r.secretsKey();
          if (config.production()) {
            return Future.failedFuture(new ConfigException(key, "is required in production: webhook receiver '" + r.name()
                + "' would send unsigned requests"));
          }
          LOG.warn("webhook receiver '{}' has no signing secret ({} is empty): its requests are unsigned", r.name(), key);
        }
      }
      return start(vertx, nc, settings, pool, new NotifyMetrics(registry), Clock.systemUTC());
    });
  }

  /** With everything given (tests build dispatchers this way). */
  public static Future<Notifications> start(Vertx vertx, NotifyConfig config, NotifySettings settings, Pool pool,
                                            NotifyMetrics metrics, Clock clock) {
    NotificationDispatcher dispatcher = new NotificationDispatcher(vertx, pool, config, settings, metrics, clock);
    MessageConsumer<JsonObject> admin = new OutboxAdmin(dispatcher.store(), metrics, dispatcher::kick).register(vertx);
    return Future.all(admin.completion(), dispatcher.start()).map(v -> new Notifications(dispatcher, admin));
  }

  public NotificationDispatcher dispatcher() {
    return dispatcher;
  }

  public Future<Void> stop() {
    return Future.all(admin.unregister(), dispatcher.stop()).mapEmpty();
  }
}
