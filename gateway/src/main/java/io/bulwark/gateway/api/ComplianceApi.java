package io.bulwark.gateway.api;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.gateway.auth.Caller;
import io.bulwark.gateway.auth.ClientAddress;
import io.bulwark.gateway.compliance.ComplianceReport;
import io.bulwark.gateway.compliance.EvidencePacks;
import io.bulwark.gateway.compliance.OrgExport;
import io.bulwark.gateway.health.DetailedHealth;
import io.bulwark.gateway.store.EvidenceStore;
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
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations APIs: detailed health, the compliance report, evidence packs and the per-tenant export. Admins see
 * every tenant; a tenant credential holding {@code audit:read} sees only its own. The regulator portal serves the same
 * views read-only through {@link RegulatorApi}.
 */
public final class ComplianceApi {
  private static final Logger LOG = LoggerFactory.getLogger(ComplianceApi.class);
  private static final Pattern PACK_ID = Pattern.compile("ev_[a-z0-9]{20}");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private final DetailedHealth health;
  private final ComplianceReport report;
  private final EvidencePacks evidence;
  private final OrgExport export;
  private final ClientAddress client;

  public ComplianceApi(DetailedHealth health, ComplianceReport report, EvidencePacks evidence, OrgExport export,
                       ClientAddress client) {
    this.health = health;
    this.report = report;
    this.evidence = evidence;
    this.export = export;
    this.client = client;
  }

  /** {@code admin}: admin keys only; {@code reader}: admins and tenant credentials with {@code audit:read}. */
  public void mount(Router router, Handler<RoutingContext> admin, Handler<RoutingContext> reader) {
    ApiRouter.route(router, HttpMethod.GET, "/health/detailed").handler(admin).handler(this::detailedHealth);
    ApiRouter.route(router, HttpMethod.GET, "/compliance/report").handler(reader).handler(this::report);
    ApiRouter.route(router, HttpMethod.POST, "/compliance/evidence").handler(reader).handler(this::createPack);
    ApiRouter.route(router, HttpMethod.GET, "/compliance/evidence").handler(reader).handler(this::listPacks);
    ApiRouter.route(router, HttpMethod.GET, "/compliance/evidence/:id").handler(reader).handler(this::downloadPack);
    ApiRouter.route(router, HttpMethod.GET, "/admin/export/:org").handler(admin).handler(this::orgExport);
  }

  private void detailedHealth(RoutingContext ctx) {
    AuditApi.query(ctx, Set.of());
    health.collect().onSuccess(h -> Answers.json(ctx, h)).onFailure(ctx::fail);
  }

  void report(RoutingContext ctx) {
    JsonObject q = AuditApi.query(ctx, Set.of("tenant"));
    String tenant = scope(ctx, q.getString("tenant"));
    Caller caller = Caller.of(ctx);
    report.build(tenant, caller.kind() != Caller.Kind.API_KEY && caller.kind() != Caller.Kind.JWT)
        .onSuccess(r -> Answers.json(ctx, r)).onFailure(ctx::fail);
  }

  private void createPack(RoutingContext ctx) {
    AuditApi.query(ctx, Set.of());
    JsonObject body = Bodies.object(ctx, Set.of("tenant", "tag", "from", "to"), false);
    String tenant = scope(ctx, Bodies.string(body, "tenant", false, 63));
    if (tenant == null) {
      throw ApiException.badRequest("tenant is required: an evidence pack is made for one tenant");
    }
    String tag = Bodies.string(body, "tag", false, 64);
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw ApiException.badRequest("tag must be 1-64 of letters, digits, '.', '_' and '-'");
    }
    Long from = Bodies.number(body, "from", 0, Long.MAX_VALUE / 2);
    Long to = Bodies.number(body, "to", 0, Long.MAX_VALUE / 2);
    TenantService.Actor by = new TenantService.Actor(Caller.of(ctx).actor(), RequestIds.of(ctx), client.of(ctx));
    evidence.create(tenant, tag, from, to, by).onSuccess(p -> {
      ctx.response().setStatusCode(201).putHeader("Location", "/compliance/evidence/" + p.id());
      Answers.json(ctx, p.toJson());
    }).onFailure(ctx::fail);
  }

  void listPacks(RoutingContext ctx) {
    JsonObject q = AuditApi.query(ctx, Set.of("tenant", "limit", "cursor"));
    String tenant = scope(ctx, q.getString("tenant"));
    int limit = q.containsKey("limit") ? (int) Math.min(AuditApi.number(q.getString("limit"), "limit"), 500) : 100;
    if (limit == 0) {
      throw ApiException.badRequest("limit must be 1-500");
    }
    Long cursor = q.containsKey("cursor") ? AuditApi.number(q.getString("cursor"), "cursor") : null;
    evidence.list(tenant, cursor, limit).onSuccess(list -> {
      JsonArray out = new JsonArray();
      list.forEach(p -> out.add(p.toJson()));
      Answers.json(ctx, new JsonObject().put("packs", out).put("nextCursor", list.size() == limit ? list.get(list.size() - 1).seq() : null));
    }).onFailure(ctx::fail);
  }

  void downloadPack(RoutingContext ctx) {
    AuditApi.query(ctx, Set.of());
    String id = ctx.pathParam("id");
    if (id == null || !PACK_ID.matcher(id).matches()) {
      throw notFound();
    }
    Caller caller = Caller.of(ctx);
    evidence.get(id).onSuccess(found -> {
      // another tenant's pack is "not found", not "forbidden": its existence is not the caller's business
      if (found.isEmpty() || (caller.tenant() != null && !caller.tenant().equals(found.get().pack().tenant()))) {
        ctx.fail(notFound());
        return;
      }
      EvidenceStore.Content c = found.get();
      LOG.info("evidence pack {} downloaded by {}", id, caller.actor(), kv("event", "compliance.evidence.download"),
          kv("tenant", c.pack().tenant()));
      ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
          .putHeader("Content-Disposition", "attachment; filename=\"evidence-" + id + ".json\"")
          .putHeader("Repr-Digest", c.pack().reprDigest()).end(c.bytes());
    }).onFailure(ctx::fail);
  }

  private void orgExport(RoutingContext ctx) {
    AuditApi.query(ctx, Set.of());
    String org = ctx.pathParam("org");
    if (org == null || !TenantApi.TENANT_ID.matcher(org).matches()) {
      throw new ApiException(404, ErrorCodes.TENANT_NOT_FOUND, "no such tenant");
    }
    export.encoded(ctx.vertx(), org, RequestIds.of(ctx)).onSuccess(bytes -> {
      LOG.info("tenant {} exported by {}", org, Caller.of(ctx).actor(), kv("event", "tenant.exported"), kv("tenant", org),
          kv("bytes", bytes.length()));
      ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
          .putHeader("Content-Disposition", "attachment; filename=\"export-" + org + ".json\"").end(bytes);
    }).onFailure(ctx::fail);
  }

  /**
   * The tenant a request is about: a tenant credential is held to its own (asking for another is 403); admins and
   * regulators get what they asked for, null meaning every tenant.
   */
  static String scope(RoutingContext ctx, String asked) {
    if (asked != null && !TenantApi.TENANT_ID.matcher(asked).matches()) {
      throw ApiException.badRequest("tenant must be a tenant id");
    }
    Caller caller = Caller.of(ctx);
    if (caller.tenant() == null) {
      return asked;
    }
    if (asked != null && !asked.equals(caller.tenant())) {
      throw new ApiException(403, ErrorCodes.FORBIDDEN, "a tenant credential can only see its own tenant");
    }
    return caller.tenant();
  }

  private static ApiException notFound() {
    return new ApiException(404, ErrorCodes.EVIDENCE_NOT_FOUND, "no such evidence pack");
  }
}
