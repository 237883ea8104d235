package io.bulwark.alert.lifecycle;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.AppendBatch;
import io.bulwark.shared.bus.AppendRequest;
import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.bus.AuditEventRules;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the rest of the system what happened to an alert: a broadcast on {@code bulwark.alert.events}, a local nudge to
 * the notifier, and an entry in the audit ledger. Alerting must go on while the ledger is down, so ledger entries are
 * best effort: failures are counted and logged at most once a minute, and at most {@link #MAX_IN_FLIGHT} wait at once.
 */
public final class AlertJournal {
  public static final String ACTOR = "alert-service";
  public static final String LEDGER_RECORDS = "bulwark_alert_ledger_records";
  static final int MAX_IN_FLIGHT = 2000;
  private static final Logger LOG = LoggerFactory.getLogger(AlertJournal.class);
  private final Vertx vertx;
  private final DeliveryOptions delivery;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong lastWarning = new AtomicLong();
  private final Counter recorded;
  private final Counter failed;
  private final Counter dropped;

  public AlertJournal(Vertx vertx, MeterRegistry registry, long timeoutMs) {
    this.vertx = vertx;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
    this.recorded = counter(registry, "recorded");
    this.failed = counter(registry, "failed");
    this.dropped = counter(registry, "dropped");
  }

  private static Counter counter(MeterRegistry registry, String result) {
    return Counter.builder(LEDGER_RECORDS).tag("result", result)
        .description("Alert lifecycle entries sent to the audit ledger, by result").register(registry);
  }

  /**
   * Alerts changed state in one committed step: each is broadcast, and those past pending are recorded in the ledger
   * in batches (its id, state and version make each entry unique, so a retry is not a second entry).
   */
  public void changed(List<Map.Entry<AlertRow, String>> changes) {
    List<AppendRequest> entries = new ArrayList<>();
    for (Map.Entry<AlertRow, String> c : changes) {
      AlertRow alert = c.getKey();
      JsonObject json = alert.toJson();
      vertx.eventBus().publish(Addresses.ALERT_EVENTS, new JsonObject().put("v", 1).put("type", "alert." + alert.state)
          .put("alert", json));
      if (AlertRow.PENDING.equals(alert.state)) {
        continue;
      }
      String actor = c.getValue() == null ? ACTOR : c.getValue();
      entries.add(new AppendRequest("alert-" + alert.id + "-" + alert.state + "-" + alert.version,
          new AuditEvent("system", null, actor, "alert." + alert.state, "success", "alert:" + alert.id, null, null,
              details(alert, json.getJsonObject("labels"), json.getValue("value")))));
    }
    for (int from = 0; from < entries.size(); from += AppendBatch.MAX_EVENTS) {
      send(entries.subList(from, Math.min(entries.size(), from + AppendBatch.MAX_EVENTS)));
    }
  }

  /** Most bytes of details an entry carries; the ledger refuses more than {@link AuditEventRules#MAX_DETAILS_BYTES}. */
  static final int DETAILS_BUDGET = AuditEventRules.MAX_DETAILS_BYTES - 1024;
  /** Labels kept when all of them would not fit: what names the alert to a reader; the fingerprint covers the rest. */
  private static final List<String> KEY_LABELS = List.of("alertname", "severity", "service", "instance", "job");

  /**
   * What the entry says of the alert. Labels can be far larger than a ledger entry may be (an Alertmanager sender may
   * put 64 values of 4 KiB on one alert): then only the key labels are kept, with the count of those left out — the
   * fingerprint still identifies the whole set — so the change is recorded rather than refused.
   */
  static JsonObject details(AlertRow alert, JsonObject labels, Object value) {
    JsonObject details = new JsonObject().put("rule", alert.rule).put("severity", alert.severity)
        .put("fingerprint", alert.fingerprint).put("labels", labels)
        .put("condition", alert.annotations.get("condition")).put("window", alert.annotations.get("window"))
        .put("value", value);
    if (alert.comment != null && !AlertRow.FIRING.equals(alert.state)) {
      details.put("comment", alert.comment);
    }
    if (AuditEventRules.mayEncodeLongerThan(details, DETAILS_BUDGET)
        && details.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > DETAILS_BUDGET) {
      JsonObject kept = new JsonObject();
      KEY_LABELS.forEach(k -> {
        String v = labels.getString(k);
        if (v != null) {
          kept.put(k, v.length() > 256 ? v.substring(0, 256) + "…" : v);
        }
      });
      details.put("labels", kept).put("labelsOmitted", labels.size() - kept.size());
      for (String field : List.of("condition", "window", "comment")) {
        String v = details.getString(field);
        if (v != null && v.length() > 2048) {
          details.put(field, v.substring(0, 2048) + "…");
        }
      }
    }
    return details;
  }

  private void send(List<AppendRequest> batch) {
    int n = batch.size();
    if (inFlight.addAndGet(n) > MAX_IN_FLIGHT) {
      inFlight.addAndGet(-n);
      dropped.increment(n);
      warn("the ledger is not keeping up: " + MAX_IN_FLIGHT + " entries are waiting; " + n + " alert changes were not recorded");
      return;
    }
    JsonObject message = n == 1 ? batch.get(0).toJson() : new AppendBatch(List.copyOf(batch)).toJson();
    vertx.eventBus().request(Addresses.AUDIT_APPEND, message, delivery).onComplete(ar -> {
      inFlight.addAndGet(-n);
      if (ar.succeeded()) {
        recorded.increment(n);
      } else {
        failed.increment(n);
        warn("could not record " + n + " alert change(s) in the audit ledger: " + ar.cause().getMessage());
      }
    });
  }

  /** The notifier should look now rather than at its next poll. */
  public void nudge() {
    // the notifier of this instance only: its consumer is local, and a clustered send must not look elsewhere
    vertx.eventBus().send(Addresses.ALERT_CHANGED, new JsonObject().put("v", 1), new DeliveryOptions().setLocalOnly(true));
  }

  private void warn(String message) {
    long now = System.currentTimeMillis();
    long last = lastWarning.get();
    if (now - last >= 60_000 && lastWarning.compareAndSet(last, now)) {
      LOG.warn("{} (repeats are counted in {}_total, logged at most once a minute)", message, LEDGER_RECORDS,
          kv("event", "alert.ledger_unavailable"));
    }
  }
}
