package io.bulwark.gateway.api;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.gateway.auth.Caller;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.BusErrors;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.bulwark.shared.http.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.Handler;
import io.bulwark.shared.http.ApiRouter;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/audit/*}: reading the ledger, its checkpoints, keys and proofs, exports, and the operator's verification
 * and retention controls. Thin: checks the query, asks audit-service over the bus, renders the answer.
 */
public final class AuditApi {
  private static final Logger LOG = LoggerFactory.getLogger(AuditApi.class);
  private static final Set<String> SEARCH_PARAMS = Set.of("tenant", "from", "to", "action", "actor", "outcome", "requestId",
      "category", "cursor", "limit");
  private final EventBus bus;
  private final DeliveryOptions delivery;
  private final DeliveryOptions slow;

  public AuditApi(EventBus bus, long timeoutMs) {
    this.bus = bus;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
    // exports and full verification read much of the ledger; they get more time than a lookup
    this.slow = new DeliveryOptions().setSendTimeout(Math.max(timeoutMs, 120_000));
  }

  /**
   * {@code reader} admits admins and tenant credentials holding {@code audit:read}; a tenant sees only its own entries
   * (search and exports are scoped to it) and the ledger-wide facts that prove them (checkpoint, keys, proofs).
   */
  public void mount(Router router, Handler<RoutingContext> admin, Handler<RoutingContext> reader) {
    ApiRouter.route(router, HttpMethod.GET, "/v1/audit/entries").handler(reader).handler(this::search);
    ApiRouter.route(router, HttpMethod.GET, "/v1/audit/checkpoint").handler(reader).handler(this::checkpoint);
    ApiRouter.route(router, HttpMethod.GET, "/v1/audit/keys").handler(reader).handler(this::keys);
    ApiRouter.route(router, HttpMethod.GET, "/v1/audit/proof/:index").handler(reader).handler(this::proof);
    ApiRouter.route(router, HttpMethod.GET, "/v1/audit/consistency").handler(reader).handler(this::consistency);
    ApiRouter.route(router, HttpMethod.GET, "/v1/audit/export").handler(reader).handler(ctx -> export(ctx, "json"));
    ApiRouter.route(router, HttpMethod.GET, "/v1/audit/export.csv").handler(reader).handler(ctx -> export(ctx, "csv"));
    ApiRouter.route(router, HttpMethod.POST, "/v1/audit/verify").handler(admin).handler(this::verify);
    ApiRouter.route(router, HttpMethod.GET, "/v1/audit/verify").handler(admin).handler(this::lastVerification);
    ApiRouter.route(router, HttpMethod.GET, "/v1/audit/retention").handler(admin).handler(ctx -> retention(ctx, "status"));
    ApiRouter.route(router, HttpMethod.POST, "/v1/audit/retention/pause").handler(admin).handler(ctx -> retention(ctx, "pause"));
    ApiRouter.route(router, HttpMethod.POST, "/v1/audit/retention/resume").handler(admin).handler(ctx -> retention(ctx, "resume"));
    ApiRouter.route(router, HttpMethod.POST, "/v1/audit/retention/run").handler(admin).handler(ctx -> retention(ctx, "run"));
  }

  private void search(RoutingContext ctx) {
    JsonObject q = query(ctx, SEARCH_PARAMS);
    scopeToTenant(ctx, q);
    for (String numeric : new String[] {"cursor", "limit"}) {
      if (q.containsKey(numeric)) {
        q.put(numeric, number(q.getString(numeric), numeric));
      }
    }
    ask(Addresses.AUDIT_SEARCH, q, delivery).onSuccess(r -> Answers.json(ctx, new JsonObject().put("entries", r.getJsonArray("entries"))
        .put("nextCursor", r.getValue("nextCursor")).put("requestId", RequestIds.of(ctx)))).onFailure(ctx::fail);
  }

  private void checkpoint(RoutingContext ctx) {
    query(ctx, Set.of());
    ask(Addresses.AUDIT_CHECKPOINT, new JsonObject(), delivery)
        .onSuccess(r -> Answers.text(ctx, r.getString("note"))).onFailure(ctx::fail);
  }

  private void keys(RoutingContext ctx) {
    query(ctx, Set.of());
    ask(Addresses.AUDIT_KEYS, new JsonObject(), delivery).onSuccess(r -> {
      StringBuilder out = new StringBuilder();
      r.getJsonArray("keys").forEach(k -> out.append(((JsonObject) k).getString("vkey")).append('\n'));
      Answers.text(ctx, out.toString());
    }).onFailure(ctx::fail);
  }

  private void proof(RoutingContext ctx) {
    JsonObject q = query(ctx, Set.of("size"));
    JsonObject msg = new JsonObject().put("index", EventsApi.parseIndex(ctx.pathParam("index")));
    if (q.containsKey("size")) {
      msg.put("size", number(q.getString("size"), "size"));
    }
    ask(Addresses.AUDIT_PROOF, msg, delivery).onSuccess(r -> Answers.text(ctx, r.getString("proof"))).onFailure(ctx::fail);
  }

  private void consistency(RoutingContext ctx) {
    JsonObject q = query(ctx, Set.of("from", "to"));
    if (!q.containsKey("from") || !q.containsKey("to")) {
      throw ApiException.badRequest("from and to (tree sizes) are required");
    }
    ask(Addresses.AUDIT_CONSISTENCY, new JsonObject().put("from", number(q.getString("from"), "from"))
        .put("to", number(q.getString("to"), "to")), delivery).onSuccess(r -> Answers.text(ctx, r.getString("hashes"))).onFailure(ctx::fail);
  }

  private void export(RoutingContext ctx, String format) {
    JsonObject q = query(ctx, Set.of("from", "to", "tenant"));
    scopeToTenant(ctx, q);
    JsonObject msg = new JsonObject().put("format", format);
    if (q.containsKey("tenant")) {
      msg.put("tenant", q.getString("tenant"));
    }
    for (String n : new String[] {"from", "to"}) {
      if (q.containsKey(n)) {
        msg.put(n, number(q.getString(n), n));
      }
    }
    if (!"csv".equals(format)) {
      // the bundle's text as audit-service encoded it: no JSON tree of up to tens of megabytes copied and re-encoded here
      msg.put("encoded", true);
    }
    ask(Addresses.AUDIT_EXPORT, msg, slow).onSuccess(r -> {
      LOG.info("audit export by {}", Caller.of(ctx).actor(), kv("event", "audit.exported"), kv("format", format));
      var resp = ctx.response().putHeader("Cache-Control", "no-store");
      if ("csv".equals(format)) {
        resp.putHeader("Content-Type", "text/csv; charset=utf-8")
            .putHeader("Content-Disposition", "attachment; filename=\"audit-entries.csv\"").end(r.getString("csv"));
      } else {
        resp.putHeader("Content-Type", "application/json")
            .putHeader("Content-Disposition", "attachment; filename=\"audit-bundle-" + r.getLong("from") + "-"
                + r.getLong("to") + ".json\"").end(io.vertx.core.buffer.Buffer.buffer(r.getBinary("bundleJson")));
      }
    }).onFailure(ctx::fail);
  }

  private void verify(RoutingContext ctx) {
    query(ctx, Set.of());
    ask(Addresses.AUDIT_VERIFY, new JsonObject().put("trigger", "admin:" + Caller.of(ctx).actor()), slow)
        .onSuccess(r -> Answers.json(ctx, r.getJsonObject("result").copy().put("requestId", RequestIds.of(ctx)))).onFailure(ctx::fail);
  }

  private void lastVerification(RoutingContext ctx) {
    query(ctx, Set.of());
    ask(Addresses.AUDIT_VERIFY, new JsonObject().put("last", true), delivery)
        .onSuccess(r -> Answers.json(ctx, new JsonObject().put("last", r.getJsonObject("result")).put("requestId", RequestIds.of(ctx))))
        .onFailure(ctx::fail);
  }

  private void retention(RoutingContext ctx, String action) {
    query(ctx, Set.of());
    ask(Addresses.AUDIT_RETENTION, new JsonObject().put("action", action).put("actor", Caller.of(ctx).actor()),
        "run".equals(action) ? slow : delivery)
        .onSuccess(r -> Answers.json(ctx, r.getJsonObject("retention").copy().put("requestId", RequestIds.of(ctx)))).onFailure(ctx::fail);
  }

  /** A tenant caller sees only its own tenant: the filter is forced, and asking for another tenant is refused. */
  static void scopeToTenant(RoutingContext ctx, JsonObject q) {
    Caller caller = Caller.of(ctx);
    if (caller.admin()) {
      return;
    }
    String asked = q.getString("tenant");
    if (asked != null && !asked.equals(caller.tenant())) {
      throw new ApiException(403, ErrorCodes.FORBIDDEN, "a tenant credential can only read its own tenant's entries");
    }
    q.put("tenant", caller.tenant());
  }

  private Future<JsonObject> ask(String address, JsonObject body, DeliveryOptions options) {
    return bus.<JsonObject>request(address, body.put("v", 1), options).map(m -> m.body())
        .recover(err -> Future.failedFuture(BusErrors.toApi(err, ErrorCodes.AUDIT_UNAVAILABLE, "audit-service")));
  }

  /** The query string as an object; unknown or repeated parameters are refused rather than ignored. */
  static JsonObject query(RoutingContext ctx, Set<String> allowed) {
    JsonObject out = new JsonObject();
    Set<String> unknown = new TreeSet<>();
    for (Map.Entry<String, String> e : ctx.queryParams()) {
      if (!allowed.contains(e.getKey())) {
        unknown.add(e.getKey());
      } else if (e.getValue().chars().anyMatch(Character::isISOControl)) {
        throw ApiException.badRequest("query parameter " + e.getKey() + " contains control characters");
      } else if (out.containsKey(e.getKey())) {
        throw ApiException.badRequest("query parameter " + e.getKey() + " given twice");
      } else {
        out.put(e.getKey(), e.getValue());
      }
    }
    if (!unknown.isEmpty()) {
      throw ApiException.badRequest("unknown query parameter(s): " + String.join(", ", unknown)
          + (allowed.isEmpty() ? "" : " (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")"));
    }
    return out;
  }

  static long number(String raw, String name) {
    if (raw == null || !raw.matches("[0-9]{1,18}")) {
      throw ApiException.badRequest(name + " must be a non-negative whole number");
    }
    return Long.parseLong(raw);
  }
}
