package io.bulwark.gateway.api;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.gateway.audit.DecisionLog;
import io.bulwark.gateway.auth.Caller;
import io.bulwark.gateway.auth.ClientAddress;
import io.bulwark.gateway.backup.BackupRequests;
import io.bulwark.gateway.backup.BackupRequests.CheckKind;
import io.bulwark.gateway.backup.BackupRequests.Requester;
import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ApiRouter;
import io.bulwark.shared.http.ErrorCodes;
import io.bulwark.shared.http.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /admin/backups/*}: listing and inspecting backups, starting a run, and verifying, drilling or restoring one,
 * all through backup-service over the bus. Admin keys only. Everything a request says is checked before anything is
 * sent; a write is recorded in the ledger first and is not forwarded unless the ledger acknowledged it.
 */
public final class BackupApi {
  static final Pattern BACKUP_ID = Pattern.compile("b-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{4}");
  private static final Pattern DATABASE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Set<String> LIST_STATUSES = Set.of("available", "failed", "all");
  private static final int DEFAULT_LIMIT = 50;
  private static final int MAX_LIMIT = 500;
  private static final Logger LOG = LoggerFactory.getLogger(BackupApi.class);
  private final BackupRequests backups;
  private final DecisionLog log;
  private final ClientAddress client;

  public BackupApi(BackupRequests backups, DecisionLog log, ClientAddress client) {
    this.backups = backups;
    this.log = log;
    this.client = client;
  }

  public void mount(Router router, Handler<RoutingContext> admin) {
    ApiRouter.route(router, HttpMethod.GET, "/admin/backups").handler(admin).handler(this::list);
    ApiRouter.route(router, HttpMethod.POST, "/admin/backups").handler(admin).handler(this::run);
    ApiRouter.route(router, HttpMethod.GET, "/admin/backups/:id").handler(admin).handler(this::get);
    for (CheckKind kind : CheckKind.values()) {
      ApiRouter.route(router, HttpMethod.POST, "/admin/backups/:id/" + kind.label()).handler(admin)
          .handler(ctx -> check(ctx, kind));
    }
  }

  private void list(RoutingContext ctx) {
    JsonObject q = AuditApi.query(ctx, Set.of("status", "limit"));
    String status = q.getString("status", "available");
    if (!LIST_STATUSES.contains(status)) {
      throw ApiException.badRequest("status must be available, failed or all");
    }
    int limit = DEFAULT_LIMIT;
    if (q.containsKey("limit")) {
      long asked = AuditApi.number(q.getString("limit"), "limit");
      if (asked < 1 || asked > MAX_LIMIT) {
        throw ApiException.badRequest("limit must be 1-" + MAX_LIMIT);
      }
      limit = (int) asked;
    }
    backups.list(status, limit).onSuccess(r -> Answers.json(ctx, withoutVersion(r))).onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    String id = backupId(ctx);
    AuditApi.query(ctx, Set.of());
    backups.get(id).onSuccess(r -> Answers.json(ctx, withoutVersion(r))).onFailure(ctx::fail);
  }

  private void run(RoutingContext ctx) {
    boolean wait = waitParam(ctx);
    Bodies.object(ctx, Set.of(), false);
    // a run has no id until backup-service starts it; the request id ties this entry to the run it started
    write(ctx, "admin.backup.run", "backups", new JsonObject().put("wait", wait), by -> backups.run(by, wait))
        .onSuccess(reply -> started(ctx, reply, "backup", wait, backupLocation(reply))).onFailure(ctx::fail);
  }

  private void check(RoutingContext ctx, CheckKind kind) {
    String id = backupId(ctx);
    boolean wait = waitParam(ctx);
    String database = null;
    if (kind == CheckKind.RESTORE) {
      JsonObject body = Bodies.object(ctx, Set.of("database"), false);
      database = Bodies.string(body, "database", false, 63);
      if (database != null && !DATABASE.matcher(database).matches()) {
        throw ApiException.badRequest("database must be 1-63 of lower-case letters, digits and '_', not starting with a digit");
      }
    } else {
      Bodies.object(ctx, Set.of(), false);
    }
    String into = database;
    JsonObject details = new JsonObject().put("wait", wait);
    if (into != null) {
      details.put("database", into);
    }
    write(ctx, "admin.backup." + kind.label(), id, details, by -> backups.check(id, kind, into, by, wait))
        .onSuccess(reply -> started(ctx, reply, "check", wait, "/admin/backups/" + id)).onFailure(ctx::fail);
  }

  /**
   * Records the write in the ledger and forwards it only once the ledger acknowledged (fail closed: 503
   * {@code audit.unavailable}, nothing sent). When backup-service then refuses it or cannot be reached, a second entry
   * says the recorded request was not carried out, as tenant changes do when their commit fails.
   */
  private Future<JsonObject> write(RoutingContext ctx, String action, String target, JsonObject details,
                                   Function<Requester, Future<JsonObject>> forward) {
    Caller caller = Caller.of(ctx);
    String requestId = RequestIds.of(ctx);
    String sourceIp = client.of(ctx);
    Requester by = new Requester(caller.actor(), requestId);
    AuditEvent event = new AuditEvent("audit", null, caller.actor(), action, "success", target, requestId, sourceIp, details);
    return log.required("gw:" + requestId + ":" + action, event)
        .compose(ack -> forward.apply(by).onFailure(err -> aborted(err, event)))
        .onSuccess(reply -> LOG.info("{} {} by {}", action, target, caller.actor(), kv("event", action), kv("target", target)));
  }

  private void aborted(Throwable err, AuditEvent recorded) {
    if (err instanceof BackupRequests.Unfinished) {
      // the work may be under way: the run's or check's own record tells how it ended, not a guess here
      LOG.warn("{} {}: {}", recorded.action(), recorded.target(), err.getMessage(), kv("event", "backup.unanswered"),
          kv("action", recorded.action()));
      return;
    }
    ApiException e = err instanceof ApiException a ? a : new ApiException(503, ErrorCodes.BACKUP_UNAVAILABLE, String.valueOf(err.getMessage()));
    LOG.warn("{} {} was recorded but not carried out: {} {}", recorded.action(), recorded.target(), e.status(), e.code(),
        kv("event", "backup.request_refused"), kv("action", recorded.action()), kv("code", e.code()));
    log.required("gw:" + recorded.requestId() + ":" + recorded.action() + ":aborted", new AuditEvent("audit", null,
        recorded.actor(), recorded.action() + ".aborted", "failure", recorded.target(), recorded.requestId(),
        recorded.sourceIp(), new JsonObject().put("status", e.status()).put("code", e.code()).put("detail", e.detail())));
  }

  /**
   * 202 with {@code Location} for work that was started; 200 when the caller asked to wait and the reply says the work
   * has finished (either way: a failed run or check is still an answer).
   */
  private static void started(RoutingContext ctx, JsonObject reply, String member, boolean wait, String location) {
    Object work = reply.getValue(member);
    String status = work instanceof JsonObject w ? w.getString("status") : null;
    if (!wait || status == null || "running".equals(status)) {
      ctx.response().setStatusCode(202);
      if (location != null) {
        ctx.response().putHeader("Location", location);
      }
    }
    Answers.json(ctx, withoutVersion(reply));
  }

  private static String backupLocation(JsonObject reply) {
    Object backup = reply.getValue("backup");
    String id = backup instanceof JsonObject b && b.getValue("id") instanceof String s ? s : null;
    // only an id of the contract's shape goes into a header
    return id != null && BACKUP_ID.matcher(id).matches() ? "/admin/backups/" + id : null;
  }

  private static JsonObject withoutVersion(JsonObject reply) {
    reply.remove("v");
    return reply;
  }

  private static String backupId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (id == null || !BACKUP_ID.matcher(id).matches()) {
      throw ApiException.badRequest("a backup id looks like b-20260101T021500Z-3f9a");
    }
    return id;
  }

  private static boolean waitParam(RoutingContext ctx) {
    String wait = AuditApi.query(ctx, Set.of("wait")).getString("wait", "false");
    return switch (wait) {
      case "true" -> true;
      case "false" -> false;
      default -> throw ApiException.badRequest("wait must be true or false");
    };
  }
}
