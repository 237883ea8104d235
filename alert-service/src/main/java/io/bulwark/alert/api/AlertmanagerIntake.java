package io.bulwark.alert.api;

import io.bulwark.alert.lifecycle.AlertBook;
import io.bulwark.alert.lifecycle.ExternalAlert;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ApiRouter;
import io.bulwark.shared.http.ErrorCodes;
import io.bulwark.shared.http.Problem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code POST /api/v2/alerts} in Alertmanager's shape, so a Prometheus can name Bulwark as its Alertmanager. The alerts
 * join the same lifecycle, silences and notifications as our own. The whole batch is checked before any of it is taken.
 * With {@code BULWARK_ALERT_INTAKE_TOKEN} set, senders must present it as a bearer token.
 */
public final class AlertmanagerIntake {
  public static final String PATH = "/api/v2/alerts";
  public static final String RECEIVED = "bulwark_alert_intake_alerts";
  static final int MAX_ALERTS = 10_000;
  static final int MAX_LABELS = 64;
  static final int MAX_VALUE = 4096;
  /** Alertmanager answers a zero time ("0001-01-01T00:00:00Z") as "not set"; senders use it. */
  private static final Instant ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");
  private final AlertBook book;
  private final java.util.function.BooleanSupplier leader;
  private final io.vertx.core.eventbus.EventBus bus;
  private final byte[] token;
  private final Counter accepted;
  private final Counter rejected;

  /** {@code leader} says whether this instance takes the alerts itself or hands them to the leader over {@code bus}. */
  public AlertmanagerIntake(AlertBook book, java.util.function.BooleanSupplier leader, io.vertx.core.eventbus.EventBus bus,
                            String token, MeterRegistry registry) {
    this.book = book;
    this.leader = leader;
    this.bus = bus;
    this.token = token == null || token.isEmpty() ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    this.accepted = Counter.builder(RECEIVED).tag("result", "accepted")
        .description("Alerts received on the Alertmanager-compatible API, by result").register(registry);
    this.rejected = Counter.builder(RECEIVED).tag("result", "rejected")
        .description("Alerts received on the Alertmanager-compatible API, by result").register(registry);
  }

  public void mount(Router router) {
    ApiRouter.route(router, HttpMethod.POST, PATH).handler(this::post);
  }

  private void post(RoutingContext ctx) {
    if (token != null) {
      String presented = ctx.request().getHeader("Authorization");
      if (presented == null || !MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        Problem.send(ctx, 401, ErrorCodes.AUTH_INVALID_TOKEN, "this intake needs the configured bearer token");
        return;
      }
    }
    List<ExternalAlert> alerts;
    String body = ctx.body().asString();
    try {
      alerts = parse(body, Instant.now());
    } catch (ApiException e) {
      rejected.increment(Math.max(1, count(body)));
      Problem.send(ctx, e);
      return;
    }
    Future<?> taken = leader.getAsBoolean() ? book.receive(alerts, Instant.now())
        : bus.request(io.bulwark.shared.bus.Addresses.ALERT_INTAKE, new JsonObject().put("v", 1).put("alerts", body),
            new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(10_000))
            .recover(err -> Future.failedFuture(io.bulwark.shared.bus.BusErrors.toApi(err, ErrorCodes.ALERT_UNAVAILABLE,
                "the leading alert-service")));
    taken.onSuccess(x -> {
      accepted.increment(alerts.size());
      ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end();
    }).onFailure(err -> {
      if (err instanceof ApiException api) {
        Problem.send(ctx, api);
      } else {
        // the database's own message is in alert-service's log, not in an answer to whoever can reach this port
        Problem.send(ctx, 503, ErrorCodes.DB_UNAVAILABLE, "the alerts could not be stored; nothing of this batch was kept,"
            + " send it again");
      }
    });
  }

  private static int count(String body) {
    try {
      return new JsonArray(body).size();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** Reads Alertmanager's postable alerts; every problem names the alert by its position. */
  public static List<ExternalAlert> parse(String body, Instant now) {
    if (body == null || body.isBlank()) {
      throw ApiException.badRequest("the body must be a JSON array of alerts");
    }
    JsonArray array;
    try {
      array = new JsonArray(body);
    } catch (DecodeException | ClassCastException e) {
      throw new ApiException(400, ErrorCodes.MALFORMED_JSON, "the body must be a JSON array of alerts");
    }
    if (array.size() > MAX_ALERTS) {
      throw ApiException.badRequest("at most " + MAX_ALERTS + " alerts per request, got " + array.size());
    }
    List<ExternalAlert> out = new ArrayList<>(array.size());
    // a sender stamps a whole batch with a few times (one evaluation's): each distinct text is parsed once
    Map<String, Instant> times = new HashMap<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject a)) {
        throw ApiException.badRequest("alert " + i + ": must be an object");
      }
      TreeMap<String, String> labels = strings(a.getValue("labels"), "alert " + i + ": labels", true);
      if (!labels.containsKey("alertname")) {
        throw ApiException.badRequest("alert " + i + ": labels must include alertname");
      }
      Map<String, String> annotations = strings(a.getValue("annotations"), "alert " + i + ": annotations", false);
      Instant startsAt = time(a, "startsAt", i, times);
      Instant endsAt = time(a, "endsAt", i, times);
      Object url = a.getValue("generatorURL");
      if (url != null && (!(url instanceof String u) || u.length() > MAX_VALUE || u.indexOf('\u0000') >= 0)) {
        throw ApiException.badRequest("alert " + i + ": generatorURL must be a string of at most " + MAX_VALUE
            + " characters without NUL");
      }
      if (url instanceof String u && !u.isEmpty()) {
        annotations = new HashMap<>(annotations);
        annotations.put("generatorURL", u);
      }
      out.add(new ExternalAlert(labels, annotations, startsAt, endsAt, (String) url));
    }
    return out;
  }

  private static TreeMap<String, String> strings(Object o, String what, boolean required) {
    TreeMap<String, String> out = new TreeMap<>();
    if (o == null && !required) {
      return out;
    }
    if (!(o instanceof JsonObject j) || (required && j.isEmpty()) || j.size() > MAX_LABELS) {
      throw ApiException.badRequest(what + " must be an object of 1 to " + MAX_LABELS + " name: string pairs");
    }
    for (Map.Entry<String, Object> e : j) {
      if (!labelName(e.getKey())) {
        throw ApiException.badRequest(what + ": '" + abbreviate(e.getKey()) + "' is not a valid name ([a-zA-Z_][a-zA-Z0-9_]*)");
      }
      // NUL cannot be stored (PostgreSQL text and jsonb refuse it): refused here, so it never fails a whole group commit
      if (!(e.getValue() instanceof String v) || v.length() > MAX_VALUE || v.indexOf('\u0000') >= 0) {
        throw ApiException.badRequest(what + ": " + e.getKey() + " must be a string of at most " + MAX_VALUE
            + " characters without NUL");
      }
      out.put(e.getKey(), v);
    }
    return out;
  }

  private static Instant time(JsonObject a, String field, int i, Map<String, Instant> parsed) {
    Object v = a.getValue(field);
    if (v == null || "".equals(v)) {
      return null;
    }
    if (!(v instanceof String text)) {
      throw ApiException.badRequest("alert " + i + ": " + field + " must be an RFC 3339 time");
    }
    Instant t = parsed.get(text);
    if (t == null) {
      try {
        t = java.time.OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest("alert " + i + ": " + field + " must be an RFC 3339 time");
      }
      if (parsed.size() < 64) {
        parsed.put(text, t);
      }
    }
    return t.equals(ZERO_TIME) ? null : t;
  }

  /** {@code [a-zA-Z_][a-zA-Z0-9_]{0,127}}, Prometheus's label names, without a regular expression per label. */
  static boolean labelName(String name) {
    int n = name.length();
    if (n == 0 || n > 128) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      char c = name.charAt(k);
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
      if (!letter && (k == 0 || c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
