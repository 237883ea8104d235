package io.bulwark.gateway.api;

import io.bulwark.gateway.alert.AlertQuery;
import io.bulwark.gateway.alert.AlertRequests;
import io.bulwark.gateway.alert.SilenceSpec;
import io.bulwark.gateway.audit.DecisionLog;
import io.bulwark.gateway.auth.Caller;
import io.bulwark.gateway.auth.ClientAddress;
import io.bulwark.gateway.mfa.MfaGuard;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ApiRouter;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/**
 * {@code /alerts/*}: listing alerts, acknowledging and resolving them (resolving needs a one-time code), and silences,
 * all through alert-service over the bus. Admin keys only. Everything a request says is checked before anything is
 * sent; a change is recorded in the ledger first and is not sent unless the ledger acknowledged it.
 */
public final class AlertApi {
  private static final int MAX_COMMENT = 1000;
  private final AlertRequests alerts;
  private final LedgerFirst ledger;
  private final MfaGuard mfa;
  private final Duration maxSilence;
  private final Clock clock;

  AlertApi(AlertRequests alerts, LedgerFirst ledger, MfaGuard mfa, Duration maxSilence, Clock clock) {
    this.alerts = alerts;
    this.ledger = ledger;
    this.mfa = mfa;
    this.maxSilence = maxSilence;
    this.clock = clock;
  }

  /** The API with the gateway's pieces; {@code maxSilence} bounds how long one silence may last. */
  public static AlertApi create(AlertRequests alerts, DecisionLog log, ClientAddress client, MfaGuard mfa,
                                Duration maxSilence) {
    return new AlertApi(alerts, new LedgerFirst(log, client), mfa, maxSilence, Clock.systemUTC());
  }

  /** {@code /alerts/silences} is mounted before {@code /alerts/:id}, which would otherwise take it for an id. */
  public void mount(Router router, Handler<RoutingContext> admin) {
    ApiRouter.route(router, HttpMethod.GET, "/alerts").handler(admin).handler(this::list);
    ApiRouter.route(router, HttpMethod.GET, "/alerts/silences").handler(admin).handler(this::silences);
    ApiRouter.route(router, HttpMethod.POST, "/alerts/silences").handler(admin).handler(this::silence);
    ApiRouter.route(router, HttpMethod.DELETE, "/alerts/silences/:id").handler(admin).handler(this::expire);
    ApiRouter.route(router, HttpMethod.GET, "/alerts/:id").handler(admin).handler(this::get);
    ApiRouter.route(router, HttpMethod.POST, "/alerts/:id/ack").handler(admin).handler(this::ack);
    // the id and body are checked before the code, so a malformed request does not use up a code
    ApiRouter.route(router, HttpMethod.POST, "/alerts/:id/resolve").handler(admin).handler(this::checkResolve)
        .handler(mfa).handler(this::resolve);
  }

  private void list(RoutingContext ctx) {
    JsonObject msg = AlertQuery.list(ctx.queryParams());
    alerts.ask(Addresses.ALERT_LIST, msg).onSuccess(r -> Answers.json(ctx, r)).onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    String id = AlertQuery.uuid(ctx.pathParam("id"), "alert");
    AlertQuery.only(ctx.queryParams(), Set.of());
    alerts.ask(Addresses.ALERT_GET, new JsonObject().put("id", id)).onSuccess(r -> Answers.json(ctx, r)).onFailure(ctx::fail);
  }

  private void ack(RoutingContext ctx) {
    String id = AlertQuery.uuid(ctx.pathParam("id"), "alert");
    AlertQuery.only(ctx.queryParams(), Set.of());
    String comment = comment(ctx);
    JsonObject details = comment == null ? new JsonObject() : new JsonObject().put("comment", comment);
    ledger.write(ctx, "admin.alert.ack", id, details, actor -> alerts.ask(Addresses.ALERT_ACK, change(id, actor, comment)))
        .onSuccess(r -> Answers.json(ctx, r)).onFailure(ctx::fail);
  }

  private void checkResolve(RoutingContext ctx) {
    ctx.put("alert.id", AlertQuery.uuid(ctx.pathParam("id"), "alert"));
    AlertQuery.only(ctx.queryParams(), Set.of());
    ctx.put("alert.comment", comment(ctx));
    ctx.next();
  }

  private void resolve(RoutingContext ctx) {
    String id = ctx.get("alert.id");
    String comment = ctx.get("alert.comment");
    JsonObject details = new JsonObject().put("mfa", "totp").put("operator", ctx.<String>get(MfaGuard.OPERATOR));
    if (comment != null) {
      details.put("comment", comment);
    }
    ledger.write(ctx, "admin.alert.resolve", id, details, actor -> alerts.ask(Addresses.ALERT_RESOLVE, change(id, actor, comment)))
        .onSuccess(r -> Answers.json(ctx, r)).onFailure(ctx::fail);
  }

  private void silences(RoutingContext ctx) {
    String active = AlertQuery.only(ctx.queryParams(), Set.of("active")).getOrDefault("active", "true");
    if (!active.equals("true") && !active.equals("false")) {
      throw ApiException.badRequest("active must be true or false");
    }
    alerts.ask(Addresses.ALERT_SILENCE_LIST, new JsonObject().put("active", Boolean.parseBoolean(active)))
        .onSuccess(r -> Answers.json(ctx, r)).onFailure(ctx::fail);
  }

  private void silence(RoutingContext ctx) {
    AlertQuery.only(ctx.queryParams(), Set.of());
    JsonObject body = Bodies.object(ctx, Set.of("matchers", "startsAt", "endsAt", "durationSeconds", "comment"), true);
    JsonObject msg = SilenceSpec.parse(body, clock.instant(), maxSilence, Caller.of(ctx).actor());
    JsonObject details = new JsonObject().put("matchers", msg.getJsonArray("matchers").copy()).put("endsAt", msg.getString("endsAt"))
        .put("comment", msg.getString("comment"));
    if (msg.containsKey("startsAt")) {
      details.put("startsAt", msg.getString("startsAt"));
    }
    // the silence has no id until alert-service makes it: the request id ties this entry to the silence it made
    ledger.write(ctx, "admin.alert.silence.create", "silences", details, actor -> alerts.ask(Addresses.ALERT_SILENCE_CREATE, msg))
        .onSuccess(r -> {
          ctx.response().setStatusCode(201);
          if (r.getValue("silence") instanceof JsonObject s && s.getValue("id") instanceof String sid && sid.matches("[0-9a-f-]{36}")) {
            ctx.response().putHeader("Location", "/alerts/silences/" + sid);
          }
          Answers.json(ctx, r);
        }).onFailure(ctx::fail);
  }

  private void expire(RoutingContext ctx) {
    String id = AlertQuery.uuid(ctx.pathParam("id"), "silence");
    AlertQuery.only(ctx.queryParams(), Set.of());
    Bodies.object(ctx, Set.of(), false);
    ledger.write(ctx, "admin.alert.silence.delete", id, new JsonObject(),
            actor -> alerts.ask(Addresses.ALERT_SILENCE_DELETE, new JsonObject().put("id", id).put("actor", actor)))
        .onSuccess(r -> Answers.json(ctx, r)).onFailure(ctx::fail);
  }

  private static JsonObject change(String id, String actor, String comment) {
    JsonObject msg = new JsonObject().put("id", id).put("actor", actor);
    if (comment != null) {
      msg.put("comment", comment);
    }
    return msg;
  }

  /** The optional {@code {"comment": "..."}} of an ack or resolve. */
  private static String comment(RoutingContext ctx) {
    return Bodies.string(Bodies.object(ctx, Set.of("comment"), false), "comment", false, MAX_COMMENT);
  }
}
