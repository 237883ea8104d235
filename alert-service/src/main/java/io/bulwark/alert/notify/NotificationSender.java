package io.bulwark.alert.notify;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one outbox row to its receiver and classifies the answer. Webhooks are signed at send time (fresh timestamp,
 * the secrets configured now); every HTTP request carries {@code X-Bulwark-Notification-Id} (the outbox id, the same on
 * every retry) so a receiver that deduplicates on it sees each notification exactly once.
 */
public final class NotificationSender {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationSender.class);
  private final HttpClientAgent client;
  private final NotifySettings settings;
  private final Clock clock;

  public NotificationSender(Vertx vertx, NotifySettings settings, Clock clock) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000).setKeepAlive(true));
    this.settings = settings;
    this.clock = clock;
  }

  public Future<DeliveryOutcome> send(OutboxStore.Claimed row, Receiver receiver) {
    if (receiver.kind() == Receiver.Kind.LOG) {
      LOG.info("alert notification receiver={} id={} kind={} group={} body={}", receiver.name(), row.id(), row.kind(),
          row.groupKey(), row.body());
      return Future.succeededFuture(new DeliveryOutcome(DeliveryOutcome.Result.SENT, null, null));
    }
    String body = row.body();
    RequestOptions req = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(receiver.target())
        .setTimeout(receiver.timeout().toMillis())
        .putHeader("Content-Type", "application/json").putHeader("User-Agent", "Bulwark-Alert")
        .putHeader(WebhookSignature.NOTIFICATION_ID, Long.toString(row.id()));
    if (receiver.kind() == Receiver.Kind.PAGERDUTY) {
      String key = settings.secrets().apply(receiver.secretsKey());
      if (key == null || key.isBlank()) {
        return Future.succeededFuture(new DeliveryOutcome(DeliveryOutcome.Result.PERMANENT, null,
            "routing key " + receiver.secretsKey() + " is not configured"));
      }
      body = new JsonObject(body).put("routing_key", key).encode();
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (receiver.kind() == Receiver.Kind.WEBHOOK) {
      List<String> secrets = settings.webhookSecrets(receiver);
      if (!secrets.isEmpty()) {
        req.putHeader(WebhookSignature.HEADER, WebhookSignature.sign(secrets, clock.instant().getEpochSecond(), bytes));
      }
    }
    return client.request(req)
        .compose(r -> r.send(Buffer.buffer(bytes)))
        .compose(resp -> resp.body().map(b -> DeliveryOutcome.ofStatus(resp.statusCode())))
        .timeout(receiver.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS)
        .recover(t -> Future.succeededFuture(DeliveryOutcome.ofFailure(t)));
  }

  public Future<Void> close() {
    return client.close();
  }
}
