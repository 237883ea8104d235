package io.bulwark.gateway.api;

import io.bulwark.gateway.auth.Caller;
import io.bulwark.gateway.auth.ClientAddress;
import io.bulwark.gateway.tenant.TenantService;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ApiRouter;
import io.bulwark.shared.http.ErrorCodes;
import io.bulwark.shared.http.RequestIds;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code /admin/tenants/*}: tenants, suspension, and tenant API keys (issue, list, revoke, replace). Admin keys only. */
public final class TenantApi {
  static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
  private static final Pattern KEY_ID = Pattern.compile("k_[a-z0-9]{12}");
  private static final Pattern SCOPE = Pattern.compile("[a-z][a-z0-9_-]{0,31}(:[a-z0-9_-]{1,32})?");
  private static final long MAX_GRACE_SECONDS = 30L * 24 * 3600;
  private static final long MAX_LIFETIME_SECONDS = 2L * 366 * 24 * 3600;
  private final TenantService tenants;
  private final ClientAddress client;

  public TenantApi(TenantService tenants, ClientAddress client) {
    this.tenants = tenants;
    this.client = client;
  }

  public void mount(Router router, Handler<RoutingContext> admin) {
    ApiRouter.route(router, HttpMethod.POST, "/admin/tenants").handler(admin).handler(this::create);
    ApiRouter.route(router, HttpMethod.GET, "/admin/tenants").handler(admin).handler(this::list);
    ApiRouter.route(router, HttpMethod.GET, "/admin/tenants/:id").handler(admin).handler(this::get);
    ApiRouter.route(router, HttpMethod.POST, "/admin/tenants/:id/suspend").handler(admin).handler(this::suspend);
    ApiRouter.route(router, HttpMethod.POST, "/admin/tenants/:id/resume").handler(admin).handler(this::resume);
    ApiRouter.route(router, HttpMethod.POST, "/admin/tenants/:id/keys").handler(admin).handler(this::issue);
    ApiRouter.route(router, HttpMethod.GET, "/admin/tenants/:id/keys").handler(admin).handler(this::keys);
    ApiRouter.route(router, HttpMethod.DELETE, "/admin/tenants/:id/keys/:keyId").handler(admin).handler(this::revoke);
    ApiRouter.route(router, HttpMethod.POST, "/admin/tenants/:id/keys/:keyId/replace").handler(admin).handler(this::replace);
  }

  private void create(RoutingContext ctx) {
    AuditApi.query(ctx, Set.of());
    JsonObject body = Bodies.object(ctx, Set.of("id", "name"), true);
    String id = Bodies.string(body, "id", true, 63);
    if (!TENANT_ID.matcher(id).matches()) {
      throw ApiException.badRequest("id must be 2-63 lower-case letters, digits and dashes, starting with a letter or digit");
    }
    String name = Bodies.string(body, "name", false, 200);
    tenants.create(id, name == null ? id : name, actor(ctx)).onSuccess(t -> {
      ctx.response().setStatusCode(201).putHeader("Location", "/admin/tenants/" + t.id());
      Answers.json(ctx, t.toJson());
    }).onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    JsonObject q = AuditApi.query(ctx, Set.of("after", "status", "limit"));
    String status = q.getString("status");
    if (status != null && !Set.of("active", "suspended").contains(status)) {
      throw ApiException.badRequest("status must be active or suspended");
    }
    String after = q.getString("after");
    if (after != null && !TENANT_ID.matcher(after).matches()) {
      throw ApiException.badRequest("after must be a tenant id");
    }
    int limit = q.containsKey("limit") ? (int) Math.min(AuditApi.number(q.getString("limit"), "limit"), 1000) : 100;
    if (limit == 0) {
      throw ApiException.badRequest("limit must be 1-1000");
    }
    tenants.list(after, status, limit).onSuccess(list -> {
      JsonArray out = new JsonArray();
      list.forEach(t -> out.add(t.toJson()));
      Answers.json(ctx, new JsonObject().put("tenants", out).put("next", list.size() == limit ? list.get(list.size() - 1).id() : null));
    }).onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    AuditApi.query(ctx, Set.of());
    tenants.get(tenantId(ctx)).onSuccess(t -> Answers.json(ctx, t.toJson())).onFailure(ctx::fail);
  }

  private void suspend(RoutingContext ctx) {
    AuditApi.query(ctx, Set.of());
    JsonObject body = Bodies.object(ctx, Set.of("reason"), false);
    String reason = Bodies.string(body, "reason", false, 500);
    tenants.suspend(tenantId(ctx), reason, actor(ctx)).onSuccess(t -> Answers.json(ctx, t.toJson())).onFailure(ctx::fail);
  }

  private void resume(RoutingContext ctx) {
    AuditApi.query(ctx, Set.of());
    Bodies.object(ctx, Set.of(), false);
    tenants.resume(tenantId(ctx), actor(ctx)).onSuccess(t -> Answers.json(ctx, t.toJson())).onFailure(ctx::fail);
  }

  private void issue(RoutingContext ctx) {
    AuditApi.query(ctx, Set.of());
    JsonObject body = Bodies.object(ctx, Set.of("name", "scopes", "expiresInSeconds"), true);
    String name = Bodies.string(body, "name", false, 200);
    Set<String> scopes = scopes(body, true);
    Long lifetime = Bodies.number(body, "expiresInSeconds", 60, MAX_LIFETIME_SECONDS);
    tenants.issue(tenantId(ctx), name == null ? "" : name, scopes, lifetime == null ? null : Duration.ofSeconds(lifetime), actor(ctx))
        .onSuccess(k -> {
          ctx.response().setStatusCode(201).putHeader("Location", "/admin/tenants/" + k.key().tenant() + "/keys");
          Answers.json(ctx, issued(k));
        }).onFailure(ctx::fail);
  }

  private void keys(RoutingContext ctx) {
    AuditApi.query(ctx, Set.of());
    Instant now = Instant.now();
    tenants.keys(tenantId(ctx)).onSuccess(list -> {
      JsonArray out = new JsonArray();
      list.forEach(k -> out.add(k.toJson(now)));
      Answers.json(ctx, new JsonObject().put("keys", out));
    }).onFailure(ctx::fail);
  }

  private void revoke(RoutingContext ctx) {
    AuditApi.query(ctx, Set.of());
    tenants.revoke(tenantId(ctx), keyId(ctx), actor(ctx)).onSuccess(k -> Answers.json(ctx, k.toJson(Instant.now()))).onFailure(ctx::fail);
  }

  private void replace(RoutingContext ctx) {
    AuditApi.query(ctx, Set.of());
    JsonObject body = Bodies.object(ctx, Set.of("graceSeconds", "name", "scopes"), false);
    Long grace = Bodies.number(body, "graceSeconds", 0, MAX_GRACE_SECONDS);
    String name = Bodies.string(body, "name", false, 200);
    Set<String> scopes = scopes(body, false);
    tenants.replace(tenantId(ctx), keyId(ctx), Duration.ofSeconds(grace == null ? 86_400 : grace), name, scopes, actor(ctx))
        .onSuccess(k -> {
          ctx.response().setStatusCode(201);
          Answers.json(ctx, issued(k));
        }).onFailure(ctx::fail);
  }

  private static JsonObject issued(TenantService.IssuedKey k) {
    Instant now = Instant.now();
    JsonObject out = new JsonObject().put("key", k.key().toJson(now)).put("secret", k.secret())
        .put("note", "the secret is shown only now; store it safely");
    if (k.replaced() != null) {
      out.put("replaced", k.replaced().toJson(now));
    }
    return out;
  }

  private static Set<String> scopes(JsonObject body, boolean required) {
    Object raw = body.getValue("scopes");
    if (raw == null) {
      if (required) {
        throw ApiException.badRequest("scopes is required: a non-empty array such as [\"read\", \"write\", \"audit:read\"]");
      }
      return null;
    }
    if (!(raw instanceof JsonArray a) || a.isEmpty() || a.size() > 20) {
      throw ApiException.badRequest("scopes must be an array of 1-20 scope names");
    }
    Set<String> out = new LinkedHashSet<>();
    for (Object s : a) {
      if (!(s instanceof String str) || !SCOPE.matcher(str).matches()) {
        throw ApiException.badRequest("each scope must look like read, write or audit:read (lower-case, optional :qualifier)");
      }
      out.add(str);
    }
    return Set.copyOf(out);
  }

  private static String tenantId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (id == null || !TENANT_ID.matcher(id).matches()) {
      throw new ApiException(404, ErrorCodes.TENANT_NOT_FOUND, "no such tenant");
    }
    return id;
  }

  private static String keyId(RoutingContext ctx) {
    String id = ctx.pathParam("keyId");
    if (id == null || !KEY_ID.matcher(id).matches()) {
      throw new ApiException(404, ErrorCodes.KEY_NOT_FOUND, "no such key");
    }
    return id;
  }

  private TenantService.Actor actor(RoutingContext ctx) {
    return new TenantService.Actor(Caller.of(ctx).actor(), RequestIds.of(ctx), client.of(ctx));
  }
}
