package io.bulwark.alert.bus;

import io.bulwark.alert.api.AlertmanagerIntake;
import io.bulwark.alert.lifecycle.AlertBook;
import io.bulwark.alert.lifecycle.AlertStore;
import io.bulwark.alert.lifecycle.LabelMatcher;
import io.bulwark.alert.lifecycle.Silence;
import io.bulwark.alert.lifecycle.SilenceStore;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.BusAnswers;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/** alert-service's bus API ({@code bulwark.alert.*}): validates each message, then answers from the book or the tables. */
public final class AlertConsumers {
  static final Set<String> STATES = Set.of("pending", "firing", "acknowledged", "resolved", "open");
  static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
  /** The gateway applies the operator's limit (BULWARK_ALERT_SILENCE_MAX_DAYS); this is the outer bound. */
  static final Duration MAX_SILENCE = Duration.ofDays(3650);
  static final int MAX_MATCHERS = 32;
  private final AlertBook book;
  private final AlertStore alerts;
  private final SilenceStore silences;

  public AlertConsumers(AlertBook book, AlertStore alerts, SilenceStore silences) {
    this.book = book;
    this.alerts = alerts;
    this.silences = silences;
  }

  /** Reads, answered from the tables by any instance. */
  public List<MessageConsumer<JsonObject>> registerReads(EventBus bus) {
    return List.of(
        bus.consumer(Addresses.ALERT_LIST, m -> answer(m, this::list)),
        bus.consumer(Addresses.ALERT_GET, m -> answer(m, this::get)),
        bus.consumer(Addresses.ALERT_SILENCE_LIST, m -> answer(m, this::listSilences)));
  }

  /** Changes (and the summary, read from the book's memory): only the leader registers these, so they all reach it. */
  public List<MessageConsumer<JsonObject>> registerChanges(EventBus bus) {
    return List.of(
        bus.consumer(Addresses.ALERT_ACK, m -> answer(m, b -> book.acknowledge(id(b), actor(b), comment(b), Instant.now())
            .map(a -> new JsonObject().put("alert", a.toJson())))),
        bus.consumer(Addresses.ALERT_RESOLVE, m -> answer(m, b -> book.resolve(id(b), actor(b), comment(b), Instant.now())
            .map(a -> new JsonObject().put("alert", a.toJson())))),
        bus.consumer(Addresses.ALERT_SILENCE_CREATE, m -> answer(m, this::createSilence)),
        bus.consumer(Addresses.ALERT_SILENCE_DELETE, m -> answer(m, this::expireSilence)),
        bus.consumer(Addresses.ALERT_SUMMARY, m -> answer(m, b -> book.summary())),
        bus.consumer(Addresses.ALERT_INTAKE, m -> answer(m, b -> {
          Object alerts = b.getValue("alerts");
          if (!(alerts instanceof String body)) {
            throw ApiException.badRequest("alerts must be the JSON text of an Alertmanager alert array");
          }
          return book.receive(AlertmanagerIntake.parse(body, Instant.now()), Instant.now()).map(x -> new JsonObject());
        })));
  }

  private static void answer(Message<JsonObject> m, Function<JsonObject, Future<JsonObject>> handler) {
    BusAnswers.answer(m, "alert-service", handler);
  }


  private Future<JsonObject> list(JsonObject b) {
    String state = oneOf(b, "state", STATES);
    String severity = oneOf(b, "severity", SEVERITIES);
    Map<String, String> labels = new LinkedHashMap<>();
    Object l = b.getValue("labels");
    if (l != null) {
      if (!(l instanceof JsonObject lj) || lj.size() > 16) {
        throw ApiException.badRequest("labels must be an object of at most 16 name: value pairs");
      }
      lj.forEach(e -> {
        if (!(e.getValue() instanceof String v) || e.getKey().length() > 128 || v.length() > 1024) {
          throw ApiException.badRequest("label " + e.getKey() + " must be a string (names ≤ 128, values ≤ 1024 characters)");
        }
        labels.put(e.getKey(), v);
      });
    }
    int limit = intIn(b, "limit", 100, 1, 1000);
    return alerts.list(state, severity, labels, limit).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(r.toJson()));
      return new JsonObject().put("alerts", out);
    });
  }

  private Future<JsonObject> get(JsonObject b) {
    UUID id = id(b);
    return alerts.find(id).compose(a -> a.isEmpty()
        ? Future.failedFuture(new ApiException(404, ErrorCodes.ALERT_NOT_FOUND, "no alert " + id))
        : Future.succeededFuture(new JsonObject().put("alert", a.get().toJson())));
  }

  private Future<JsonObject> listSilences(JsonObject b) {
    Object active = b.getValue("active");
    if (active != null && !(active instanceof Boolean)) {
      throw ApiException.badRequest("active must be true or false");
    }
    Instant now = Instant.now();
    return silences.list(active == null || (Boolean) active, now, 1000).map(list -> {
      JsonArray out = new JsonArray();
      list.forEach(s -> out.add(s.toJson(now)));
      return new JsonObject().put("silences", out);
    });
  }

  private Future<JsonObject> createSilence(JsonObject b) {
    Instant now = Instant.now();
    Object m = b.getValue("matchers");
    if (!(m instanceof JsonArray arr) || arr.isEmpty() || arr.size() > MAX_MATCHERS) {
      throw ApiException.badRequest("matchers must be a list of 1 to " + MAX_MATCHERS + " matchers");
    }
    List<LabelMatcher> matchers = new ArrayList<>();
    arr.forEach(x -> matchers.add(LabelMatcher.fromJson(x)));
    if (matchers.stream().allMatch(x -> x.matches(Map.of()))) {
      throw ApiException.badRequest("the matchers would match every alert (each matches an empty label); name at least one label value");
    }
    Instant startsAt = instant(b, "startsAt", now);
    if (startsAt.isBefore(now)) {
      startsAt = now;
    }
    Instant endsAt;
    if (b.getValue("endsAt") != null) {
      endsAt = instant(b, "endsAt", null);
    } else if (b.getValue("durationSeconds") != null) {
      endsAt = startsAt.plusSeconds(intIn(b, "durationSeconds", 0, 1, (int) MAX_SILENCE.toSeconds()));
    } else {
      throw ApiException.badRequest("endsAt or durationSeconds is required: a silence must end");
    }
    if (!endsAt.isAfter(startsAt)) {
      throw ApiException.badRequest("endsAt must be after startsAt (and after now)");
    }
    if (Duration.between(startsAt, endsAt).compareTo(MAX_SILENCE) > 0) {
      throw ApiException.badRequest("a silence lasts at most " + MAX_SILENCE.toDays() + " days");
    }
    String createdBy = actor(b, "createdBy");
    String comment = b.getValue("comment") instanceof String c && !c.isBlank() && c.length() <= 1024 ? c : null;
    if (comment == null) {
      throw ApiException.badRequest("comment is required (1 to 1024 characters): say why the alerts are silenced");
    }
    Silence s = new Silence(UUID.randomUUID(), List.copyOf(matchers), startsAt, endsAt, createdBy, comment, now, null);
    return book.addSilence(s).map(stored -> new JsonObject().put("silence", stored.toJson(now)));
  }

  private Future<JsonObject> expireSilence(JsonObject b) {
    UUID id = id(b);
    Instant now = Instant.now();
    return book.expireSilence(id, actor(b), now).compose(s -> s.isEmpty()
        ? Future.failedFuture(new ApiException(404, ErrorCodes.SILENCE_NOT_FOUND, "no silence " + id))
        : Future.succeededFuture(new JsonObject().put("silence", s.get().toJson(now))));
  }

  static UUID id(JsonObject b) {
    Object id = b.getValue("id");
    if (!(id instanceof String s) || s.length() != 36) {
      throw ApiException.badRequest("id must be a UUID");
    }
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("id must be a UUID");
    }
  }

  private static String actor(JsonObject b) {
    return actor(b, "actor");
  }

  private static String actor(JsonObject b, String field) {
    Object a = b.getValue(field);
    if (!(a instanceof String s) || s.isBlank() || s.length() > 256) {
      throw ApiException.badRequest(field + " is required (1 to 256 characters)");
    }
    return s;
  }

  private static String comment(JsonObject b) {
    Object c = b.getValue("comment");
    if (c == null) {
      return null;
    }
    if (!(c instanceof String s) || s.length() > 1024) {
      throw ApiException.badRequest("comment must be a string of at most 1024 characters");
    }
    return s;
  }

  private static String oneOf(JsonObject b, String field, Set<String> allowed) {
    Object v = b.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || !allowed.contains(s)) {
      throw ApiException.badRequest(field + " must be one of " + String.join(", ", new java.util.TreeSet<>(allowed)));
    }
    return s;
  }

  private static int intIn(JsonObject b, String field, int fallback, int min, int max) {
    Object v = b.getValue(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min || ((Number) v).longValue() > max) {
      throw ApiException.badRequest(field + " must be a whole number from " + min + " to " + max);
    }
    return ((Number) v).intValue();
  }

  private static Instant instant(JsonObject b, String field, Instant fallback) {
    Object v = b.getValue(field);
    if (v == null) {
      return fallback;
    }
    try {
      return Instant.parse((String) v);
    } catch (ClassCastException | DateTimeParseException e) {
      throw ApiException.badRequest(field + " must be an RFC 3339 time such as 2026-01-31T12:00:00Z");
    }
  }
}
