package io.bulwark.gateway.api;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.gateway.auth.Caller;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.AppendReply;
import io.bulwark.shared.bus.AppendRequest;
import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.bus.AuditEventRules;
import io.bulwark.shared.bus.BusErrors;
import io.bulwark.shared.bus.EntryReply;
import io.bulwark.shared.bus.EntryRequest;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.bulwark.shared.http.RequestIds;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /v1/events} and {@code GET /v1/events/:index}: the ledger's front door. */
public final class EventsApi {
  private static final Logger LOG = LoggerFactory.getLogger(EventsApi.class);
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9._:-]{8,128}");
  private final EventBus bus;
  private final DeliveryOptions delivery;

  public EventsApi(EventBus bus, long timeoutMs) {
    this.bus = bus;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  public void append(RoutingContext ctx) {
    String contentType = ctx.request().getHeader("Content-Type");
    if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new ApiException(415, ErrorCodes.UNSUPPORTED_MEDIA_TYPE, "send the event as application/json");
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw new ApiException(400, ErrorCodes.MALFORMED_JSON, "request body must be a JSON object");
    }
    if (body == null) {
      throw new ApiException(400, ErrorCodes.MALFORMED_JSON, "request body must be a JSON object");
    }
    String requestId = RequestIds.of(ctx);
    AuditEvent event = forTenant(Caller.of(ctx), AuditEventRules.validate(body, requestId, ctx.request().remoteAddress().hostAddress()));
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
      throw ApiException.badRequest("Idempotency-Key must be 8-128 characters of [A-Za-z0-9._:-]");
    }
    String idempotencyId = key != null ? "key:" + Caller.of(ctx).actor() + ":" + key : "req:" + UUID.randomUUID();
    bus.<JsonObject>request(Addresses.AUDIT_APPEND, new AppendRequest(idempotencyId, event).toJson(), delivery)
        .map(msg -> AppendReply.fromJson(msg.body()))
        .onSuccess(reply -> {
          LOG.info("event appended at index {}", reply.index(), kv("event", "audit.appended"),
              kv("index", reply.index()), kv("action", event.action()), kv("actor", Caller.of(ctx).actor()));
          ctx.response().setStatusCode(reply.duplicate() ? 200 : 201)
              .putHeader("Location", "/v1/events/" + reply.index())
              .putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("index", reply.index()).put("leafHash", reply.leafHash())
                  .put("duplicate", reply.duplicate()).put("requestId", requestId).encode());
        })
        .onFailure(err -> ctx.fail(mapBusFailure(err)));
  }

  public void get(RoutingContext ctx) {
    long index = parseIndex(ctx.pathParam("index"));
    bus.<JsonObject>request(Addresses.AUDIT_ENTRY, new EntryRequest(index).toJson(), delivery)
        .map(msg -> EntryReply.fromJson(msg.body()))
        .map(e -> visibleTo(Caller.of(ctx), e))
        .onSuccess(e -> ctx.response().putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store")
            .end(new JsonObject().put("index", e.index()).put("entry", new JsonObject(e.canonical()))
                .put("canonical", e.canonical()).put("leafHash", e.leafHash()).put("recordedAt", e.recordedAt()).encode()))
        .onFailure(err -> ctx.fail(mapBusFailure(err)));
  }

  /** A tenant caller writes only into its own tenant. */
  static AuditEvent forTenant(Caller caller, AuditEvent e) {
    if (caller.admin()) {
      return e;
    }
    if (e.tenant() != null && !e.tenant().equals(caller.tenant())) {
      throw new ApiException(403, ErrorCodes.FORBIDDEN, "a tenant credential can only write its own tenant's events");
    }
    return new AuditEvent(e.category(), caller.tenant(), e.actor(), e.action(), e.outcome(), e.target(), e.requestId(),
        e.sourceIp(), e.details());
  }

  /** Another tenant's entry is reported as absent, not forbidden: its existence is not the caller's business. */
  static EntryReply visibleTo(Caller caller, EntryReply e) {
    if (caller.admin() || caller.tenant().equals(new JsonObject(e.canonical()).getString("tenant"))) {
      return e;
    }
    throw new ApiException(404, ErrorCodes.AUDIT_ENTRY_NOT_FOUND, "no ledger entry at that index");
  }

  static long parseIndex(String raw) {
    if (raw == null || !raw.matches("[0-9]{1,18}")) {
      throw ApiException.badRequest("index must be a non-negative whole number");
    }
    return Long.parseLong(raw);
  }

  private static ApiException mapBusFailure(Throwable err) {
    ApiException e = err instanceof ApiException a ? a : BusErrors.toApi(err, ErrorCodes.AUDIT_UNAVAILABLE, "audit-service");
    if (e.status() >= 500) {
      LOG.warn("audit-service request failed: {}", e.detail(), kv("event", "audit.unavailable"), kv("code", e.code()));
    }
    return e;
  }
}
