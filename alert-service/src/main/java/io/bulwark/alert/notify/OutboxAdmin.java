package io.bulwark.alert.notify;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.BusErrors;
import io.bulwark.shared.bus.Versions;
import io.bulwark.shared.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox admin API on {@link Addresses#ALERT_OUTBOX}: {@code {v:1, op: stats|pause|resume|clean|redrive, ...}}.
 * Every reply carries the stats after the operation; clean and redrive add {@code affected}.
 */
public final class OutboxAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxAdmin.class);
  /** clean's default age: a week of delivered and dead rows stays inspectable. */
  static final long DEFAULT_CLEAN_AGE_SECONDS = 7 * 24 * 3600;
  private final OutboxStore store;
  private final NotifyMetrics metrics;
  private final Runnable kick;

  public OutboxAdmin(OutboxStore store, NotifyMetrics metrics, Runnable kick) {
    this.store = store;
    this.metrics = metrics;
    this.kick = kick;
  }

  public MessageConsumer<JsonObject> register(Vertx vertx) {
    return vertx.eventBus().consumer(Addresses.ALERT_OUTBOX, this::handle);
  }

  void handle(Message<JsonObject> m) {
    Future<JsonObject> reply;
    try {
      reply = run(m.body());
    } catch (ApiException e) {
      BusErrors.fail(m, e);
      return;
    }
    reply.onSuccess(m::reply).onFailure(t -> {
      LOG.warn("outbox admin failed: {}", t.toString());
      BusErrors.fail(m, t instanceof ApiException a ? a : new ApiException(503, "db.unavailable", "the outbox is unavailable"));
    });
  }

  /** Validates and runs one request; throws {@link ApiException} 400 for a bad one. */
  public Future<JsonObject> run(JsonObject req) {
    Versions.require(req, 1, "outbox");
    String op = req.getValue("op") instanceof String s ? s : null;
    if (op == null) {
      throw ApiException.badRequest("op is required (stats, pause, resume, clean or redrive)");
    }
    String receiver = optionalString(req, "receiver");
    String actor = optionalString(req, "actor");
    Future<Integer> affected;
    switch (op) {
      case "stats" -> affected = Future.succeededFuture(null);
      case "pause" -> affected = store.setPaused(true, actor).map(v -> {
        LOG.info("notification delivery paused by {}", actor == null ? "(unknown)" : actor);
        return null;
      });
      case "resume" -> affected = store.setPaused(false, actor).map(v -> {
        LOG.info("notification delivery resumed by {}", actor == null ? "(unknown)" : actor);
        kick.run();
        return null;
      });
      case "clean" -> {
        String status = optionalString(req, "status");
        if (status != null && !status.equals("dead") && !status.equals("delivered")) {
          throw ApiException.badRequest("status must be dead or delivered (got '" + status + "')");
        }
        long age = DEFAULT_CLEAN_AGE_SECONDS;
        if (req.containsKey("olderThanSeconds")) {
          if (!(req.getValue("olderThanSeconds") instanceof Number n) || n.longValue() < 0 || n.doubleValue() != n.longValue()) {
            throw ApiException.badRequest("olderThanSeconds must be a whole number >= 0");
          }
          age = ((Number) req.getValue("olderThanSeconds")).longValue();
        }
        affected = store.clean(status == null ? List.of("dead", "delivered") : List.of(status), age, receiver);
      }
      case "redrive" -> affected = store.redrive(ids(req), receiver).map(n -> {
        LOG.info("{} dead notification(s) redriven by {}", n, actor == null ? "(unknown)" : actor);
        kick.run();
        return n;
      });
      default -> throw ApiException.badRequest("op must be stats, pause, resume, clean or redrive (got '" + op + "')");
    }
    return affected.compose(n -> store.stats().map(stats -> {
      metrics.stats(stats);
      JsonObject out = new JsonObject().put("v", 1).put("stats", stats);
      return n == null ? out : out.put("affected", n);
    }));
  }

  private static List<Long> ids(JsonObject req) {
    if (!req.containsKey("ids") || req.getValue("ids") == null) {
      return null;
    }
    if (!(req.getValue("ids") instanceof JsonArray a) || a.isEmpty() || a.size() > 10_000) {
      throw ApiException.badRequest("ids must be a non-empty list of notification ids");
    }
    List<Long> out = new ArrayList<>();
    for (Object o : a) {
      if (!(o instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 1) {
        throw ApiException.badRequest("ids must be positive whole numbers (got " + o + ")");
      }
      out.add(n.longValue());
    }
    return out;
  }

  private static String optionalString(JsonObject req, String field) {
    Object v = req.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.isBlank() || s.length() > 200) {
      throw ApiException.badRequest(field + " must be a non-empty string");
    }
    return s;
  }
}
