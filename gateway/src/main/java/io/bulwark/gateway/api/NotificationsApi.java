package io.bulwark.gateway.api;

import io.bulwark.gateway.alert.AlertQuery;
import io.bulwark.gateway.alert.AlertRequests;
import io.bulwark.gateway.audit.DecisionLog;
import io.bulwark.gateway.auth.ClientAddress;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ApiRouter;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code /admin/notifications/*}: the notification outbox's queue stats, and pausing, resuming, cleaning and
 * re-driving it, through alert-service's {@code bulwark.alert.outbox}. Admin keys only; every change is recorded in the
 * ledger first ({@code admin.notifications.<op>}) and not sent unless the ledger acknowledged it.
 */
public final class NotificationsApi {
  private static final Pattern RECEIVER = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final int MAX_IDS = 1000;
  /** Ten years: "older than" beyond that is a typo, not a policy. */
  private static final long MAX_AGE_SECONDS = 315_360_000L;
  private final AlertRequests alerts;
  private final LedgerFirst ledger;

  public NotificationsApi(AlertRequests alerts, DecisionLog log, ClientAddress client) {
    this.alerts = alerts;
    this.ledger = new LedgerFirst(log, client);
  }

  public void mount(Router router, Handler<RoutingContext> admin) {
    ApiRouter.route(router, HttpMethod.GET, "/admin/notifications").handler(admin).handler(this::stats);
    ApiRouter.route(router, HttpMethod.POST, "/admin/notifications/pause").handler(admin).handler(ctx -> pauseOrResume(ctx, "pause"));
    ApiRouter.route(router, HttpMethod.POST, "/admin/notifications/resume").handler(admin).handler(ctx -> pauseOrResume(ctx, "resume"));
    ApiRouter.route(router, HttpMethod.POST, "/admin/notifications/clean").handler(admin).handler(this::clean);
    ApiRouter.route(router, HttpMethod.POST, "/admin/notifications/redrive").handler(admin).handler(this::redrive);
  }

  private void stats(RoutingContext ctx) {
    AlertQuery.only(ctx.queryParams(), Set.of());
    alerts.ask(Addresses.ALERT_OUTBOX, new JsonObject().put("op", "stats")).onSuccess(r -> Answers.json(ctx, r)).onFailure(ctx::fail);
  }

  private void pauseOrResume(RoutingContext ctx, String op) {
    AlertQuery.only(ctx.queryParams(), Set.of());
    JsonObject body = Bodies.object(ctx, Set.of("receiver"), false);
    JsonObject msg = new JsonObject().put("op", op);
    receiver(body, msg);
    send(ctx, op, msg);
  }

  private void clean(RoutingContext ctx) {
    AlertQuery.only(ctx.queryParams(), Set.of());
    JsonObject body = Bodies.object(ctx, Set.of("status", "olderThanSeconds", "receiver"), true);
    String status = Bodies.string(body, "status", true, 16);
    if (!status.equals("delivered") && !status.equals("dead")) {
      throw ApiException.badRequest("status must be delivered or dead (pending notifications are never cleaned)");
    }
    if (body.getValue("olderThanSeconds") == null) {
      throw ApiException.badRequest("olderThanSeconds is required");
    }
    Long older = Bodies.number(body, "olderThanSeconds", 0, MAX_AGE_SECONDS);
    JsonObject msg = new JsonObject().put("op", "clean").put("status", status).put("olderThanSeconds", older);
    receiver(body, msg);
    send(ctx, "clean", msg);
  }

  private void redrive(RoutingContext ctx) {
    AlertQuery.only(ctx.queryParams(), Set.of());
    JsonObject body = Bodies.object(ctx, Set.of("ids", "receiver"), false);
    JsonObject msg = new JsonObject().put("op", "redrive");
    Object ids = body.getValue("ids");
    if (ids != null) {
      if (!(ids instanceof JsonArray list) || list.isEmpty() || list.size() > MAX_IDS) {
        throw ApiException.badRequest("ids must be an array of 1-" + MAX_IDS + " outbox ids");
      }
      JsonArray checked = new JsonArray();
      for (Object id : list) {
        if (!(id instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 1
            || n.doubleValue() > Long.MAX_VALUE) {
          throw ApiException.badRequest("ids must be positive whole numbers (outbox ids)");
        }
        checked.add(n.longValue());
      }
      msg.put("ids", checked);
    }
    receiver(body, msg);
    send(ctx, "redrive", msg);
  }

  private void send(RoutingContext ctx, String op, JsonObject msg) {
    JsonObject details = msg.copy();
    details.remove("op");
    String target = msg.getString("receiver", "notifications");
    // the contract's outbox message names no actor: who asked is in the ledger entry written first
    ledger.write(ctx, "admin.notifications." + op, target, details, actor -> alerts.ask(Addresses.ALERT_OUTBOX, msg))
        .onSuccess(r -> Answers.json(ctx, r)).onFailure(ctx::fail);
  }

  private static void receiver(JsonObject body, JsonObject msg) {
    String receiver = Bodies.string(body, "receiver", false, 64);
    if (receiver != null) {
      if (!RECEIVER.matcher(receiver).matches()) {
        throw ApiException.badRequest("receiver must be a receiver name: 1-64 of letters, digits, '.', '_' and '-'");
      }
      msg.put("receiver", receiver);
    }
  }
}
