package io.bulwark.gateway.api;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.BusErrors;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for alert-service on the bus API of the alert contract (the real consumers live in alert-service, which
 * the gateway must not depend on): alerts and silences in maps, the contract's answers and failures (404, 409), and a
 * record of every message received so a test can tell that nothing was sent.
 */
final class FakeAlertService {
  final Map<String, JsonObject> alerts = new ConcurrentHashMap<>();
  final Map<String, JsonObject> silences = new ConcurrentHashMap<>();
  /** Every message, as {address, body}. */
  final List<JsonObject> received = new CopyOnWriteArrayList<>();
  private final List<MessageConsumer<JsonObject>> consumers = new CopyOnWriteArrayList<>();

  Future<Void> register(Vertx vertx) {
    List<Future<Void>> all = new ArrayList<>();
    all.add(on(vertx, Addresses.ALERT_LIST, this::list));
    all.add(on(vertx, Addresses.ALERT_GET, m -> m.reply(new JsonObject().put("v", 1).put("alert", alert(m)))));
    all.add(on(vertx, Addresses.ALERT_ACK, m -> change(m, "acknowledged")));
    all.add(on(vertx, Addresses.ALERT_RESOLVE, m -> change(m, "resolved")));
    all.add(on(vertx, Addresses.ALERT_SILENCE_LIST, m -> m.reply(new JsonObject().put("v", 1)
        .put("silences", new JsonArray(silences.values().stream().filter(s -> !m.body().getBoolean("active", true)
            || !"expired".equals(s.getString("status"))).map(s -> (Object) s).toList())))));
    all.add(on(vertx, Addresses.ALERT_SILENCE_CREATE, this::createSilence));
    all.add(on(vertx, Addresses.ALERT_SILENCE_DELETE, this::expireSilence));
    all.add(on(vertx, Addresses.ALERT_SUMMARY, this::summary));
    all.add(on(vertx, Addresses.ALERT_OUTBOX, m -> m.reply(new JsonObject().put("v", 1).put("stats", new JsonObject()
        .put("paused", "pause".equals(m.body().getString("op"))).put("pending", 0).put("delivering", 0).put("dead", 2)
        .put("delivered", 5).put("oldestPendingAgeSeconds", null).put("byReceiver", new JsonObject()))
        .put("affected", m.body().getString("op").matches("clean|redrive") ? 2 : null))));
    return Future.all(all).mapEmpty();
  }

  /** alert-service is gone: nobody answers on its addresses. */
  Future<Void> unregister() {
    List<Future<Void>> all = new ArrayList<>();
    consumers.forEach(c -> all.add(c.unregister()));
    consumers.clear();
    return Future.all(all).mapEmpty();
  }

  /** Adds an alert in {@code state} and returns its id. */
  String add(String severity, String state, Map<String, String> labels) {
    String id = UUID.randomUUID().toString();
    JsonObject l = new JsonObject().put("alertname", "HighErrorRate").put("severity", severity);
    labels.forEach(l::put);
    alerts.put(id, new JsonObject().put("id", id).put("fingerprint", "f-" + id.substring(0, 8)).put("rule", "HighErrorRate")
        .put("source", "rule").put("severity", severity).put("state", state).put("labels", l).put("annotations", new JsonObject())
        .put("silenced", false).put("inhibited", false).put("updatedAt", Instant.now().toString()));
    return id;
  }

  /** Messages received on {@code address}. */
  List<JsonObject> on(String address) {
    return received.stream().filter(r -> address.equals(r.getString("address"))).map(r -> r.getJsonObject("body")).toList();
  }

  private Future<Void> on(Vertx vertx, String address, Handler<Message<JsonObject>> handler) {
    MessageConsumer<JsonObject> c = vertx.eventBus().consumer(address, m -> {
      received.add(new JsonObject().put("address", address).put("body", m.body().copy()));
      if (!Integer.valueOf(1).equals(m.body().getInteger("v"))) {
        BusErrors.fail(m, ApiException.badRequest("v must be 1"));
        return;
      }
      try {
        handler.handle(m);
      } catch (ApiException e) {
        BusErrors.fail(m, e);
      }
    });
    consumers.add(c);
    return c.completion();
  }

  private void list(Message<JsonObject> m) {
    JsonObject q = m.body();
    JsonObject labels = q.getJsonObject("labels", new JsonObject());
    List<Object> out = alerts.values().stream()
        .filter(a -> !q.containsKey("state") || q.getString("state").equals(a.getString("state"))
            || "open".equals(q.getString("state")) && !"resolved".equals(a.getString("state")))
        .filter(a -> !q.containsKey("severity") || q.getString("severity").equals(a.getString("severity")))
        .filter(a -> labels.stream().allMatch(e -> e.getValue().equals(a.getJsonObject("labels").getValue(e.getKey()))))
        .limit(q.getInteger("limit", 100)).map(a -> (Object) a).toList();
    m.reply(new JsonObject().put("v", 1).put("alerts", new JsonArray(out)));
  }

  private JsonObject alert(Message<JsonObject> m) {
    JsonObject a = alerts.get(m.body().getString("id"));
    if (a == null) {
      throw new ApiException(404, ErrorCodes.ALERT_NOT_FOUND, "no alert " + m.body().getString("id"));
    }
    return a;
  }

  private void change(Message<JsonObject> m, String to) {
    JsonObject a = alert(m);
    if ("resolved".equals(a.getString("state"))) {
      throw new ApiException(409, ErrorCodes.ALERT_STATE, "alert " + a.getString("id") + " is resolved");
    }
    String by = m.body().getString("actor");
    a.put("state", to).put(to.equals("resolved") ? "resolvedBy" : "acknowledgedBy", by).put("comment", m.body().getString("comment"));
    m.reply(new JsonObject().put("v", 1).put("alert", a));
  }

  private void createSilence(Message<JsonObject> m) {
    String id = UUID.randomUUID().toString();
    JsonObject b = m.body();
    JsonObject s = new JsonObject().put("id", id).put("matchers", b.getJsonArray("matchers"))
        .put("startsAt", b.getString("startsAt", Instant.now().toString())).put("endsAt", b.getString("endsAt"))
        .put("createdBy", b.getString("createdBy")).put("comment", b.getString("comment")).put("status", "active");
    silences.put(id, s);
    m.reply(new JsonObject().put("v", 1).put("silence", s));
  }

  private void expireSilence(Message<JsonObject> m) {
    JsonObject s = silences.get(m.body().getString("id"));
    if (s == null) {
      throw new ApiException(404, ErrorCodes.SILENCE_NOT_FOUND, "no silence " + m.body().getString("id"));
    }
    s.put("status", "expired").put("expiredBy", m.body().getString("actor"));
    m.reply(new JsonObject().put("v", 1).put("silence", s));
  }

  private void summary(Message<JsonObject> m) {
    JsonObject open = new JsonObject().put("critical", 0).put("warning", 0).put("info", 0);
    JsonObject byState = new JsonObject().put("pending", 0).put("firing", 0).put("acknowledged", 0);
    alerts.values().stream().filter(a -> !"resolved".equals(a.getString("state"))).forEach(a -> {
      open.put(a.getString("severity"), open.getInteger(a.getString("severity")) + 1);
      byState.put(a.getString("state"), byState.getInteger(a.getString("state")) + 1);
    });
    m.reply(new JsonObject().put("v", 1).put("open", open).put("byState", byState).put("silenced", 0)
        .put("oldestOpenSince", "2026-11-23T20:00:00Z"));
  }
}
