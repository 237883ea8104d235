package io.bulwark.gateway.tenant;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.gateway.audit.DecisionLog;
import io.bulwark.gateway.store.TenantStore;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tenants and their keys. Every change is made in one transaction that commits only after the ledger acknowledged the
 * change's entry (fail closed: no acknowledgement, no change, 503 {@code audit.unavailable}); once committed, it is
 * broadcast on {@code bulwark.gateway.keys.events} so every gateway drops what it cached.
 */
public final class TenantService {
  private static final Logger LOG = LoggerFactory.getLogger(TenantService.class);
  private final TenantStore store;
  private final DecisionLog log;
  private final EventBus bus;
  private final java.util.function.Consumer<String> forgetLocally;

  /** Who asks for a change, for the ledger: the caller's attribution, the request id and the source address. */
  public record Actor(String actor, String requestId, String sourceIp) {}

  /** A key just issued: the only moment its secret exists outside the client. */
  public record IssuedKey(KeyRecord key, String secret, KeyRecord replaced) {}

  /** {@code forgetLocally} drops this gateway's cached state of a tenant before the change is answered. */
  public TenantService(TenantStore store, DecisionLog log, EventBus bus, java.util.function.Consumer<String> forgetLocally) {
    this.store = store;
    this.log = log;
    this.bus = bus;
    this.forgetLocally = forgetLocally;
  }

  public Future<Tenant> create(String id, String name, Actor by) {
    return change(by, "tenant.create", id, id, new JsonObject().put("name", name),
        tx -> store.insertTenant(tx, id, name, by.actor()).map(t -> t.orElseThrow(
            () -> new ApiException(409, ErrorCodes.TENANT_EXISTS, "a tenant with id " + id + " already exists"))), true);
  }

  public Future<Tenant> get(String id) {
    return store.tenant(store.pool(), id, false).map(t -> t.orElseThrow(() -> notFound(id)));
  }

  public Future<List<Tenant>> list(String after, String status, int limit) {
    return store.tenants(after, status, limit);
  }

  public Future<Tenant> suspend(String id, String reason, Actor by) {
    return setStatus(id, "suspended", reason, by);
  }

  public Future<Tenant> resume(String id, Actor by) {
    return setStatus(id, "active", null, by);
  }

  private Future<Tenant> setStatus(String id, String status, String reason, Actor by) {
    String action = "suspended".equals(status) ? "tenant.suspend" : "tenant.resume";
    JsonObject details = new JsonObject();
    if (reason != null) {
      details.put("reason", reason);
    }
    return change(by, action, id, id, details, tx -> lockTenant(tx, id).compose(t -> {
      if (t.status().equals(status)) {
        return Future.failedFuture(new ApiException(409, "tenant.invalid_state", "tenant " + id + " is already " + status));
      }
      return store.setStatus(tx, id, status, reason);
    }), true);
  }

  public Future<List<KeyRecord>> keys(String tenant) {
    return get(tenant).compose(t -> store.keys(tenant));
  }

  public Future<IssuedKey> issue(String tenant, String name, Set<String> scopes, Duration lifetime, Actor by) {
    TenantKey.Issued fresh = TenantKey.generate();
    Instant expires = lifetime == null ? null : Instant.now().plus(lifetime);
    JsonObject details = new JsonObject().put("keyId", fresh.keyId()).put("name", name)
        .put("scopes", new JsonArray(new TreeSet<>(scopes).stream().toList()))
        .put("expiresAt", expires == null ? null : expires.toString());
    return change(by, "key.issue", tenant, fresh.keyId(), details, tx -> lockTenant(tx, tenant)
        .compose(t -> store.insertKey(tx, fresh.keyId(), tenant, fresh.hash(), name, scopes, expires, by.actor()))
        .map(k -> new IssuedKey(k, fresh.secret(), null)), true);
  }

  public Future<KeyRecord> revoke(String tenant, String keyId, Actor by) {
    return change(by, "key.revoke", tenant, keyId, new JsonObject().put("keyId", keyId), tx -> lockKey(tx, tenant, keyId)
        .compose(k -> {
          if (k.revokedAt() != null) {
            return Future.failedFuture(new ApiException(409, ErrorCodes.KEY_STATE, "key " + keyId + " is already revoked"));
          }
          return store.revoke(tx, keyId, by.actor());
        }), true);
  }

  /** Issues a new key with the old one's scopes (or new ones) and lets the old one work for {@code grace} more. */
  public Future<IssuedKey> replace(String tenant, String keyId, Duration grace, String name, Set<String> scopes, Actor by) {
    TenantKey.Issued fresh = TenantKey.generate();
    Instant until = Instant.now().plus(grace);
    JsonObject details = new JsonObject().put("keyId", keyId).put("newKeyId", fresh.keyId())
        .put("oldKeyValidUntil", until.toString());
    return change(by, "key.replace", tenant, keyId, details, tx -> lockKey(tx, tenant, keyId).compose(old -> {
      // a suspended tenant's key may be replaced (it works again on resume); a revoked or expired one may not
      String refusal = old.refusal(Instant.now());
      if (refusal != null && !"tenant_suspended".equals(refusal)) {
        return Future.failedFuture(new ApiException(409, ErrorCodes.KEY_STATE, "key " + keyId + " is " + refusal
            + " and cannot be replaced; issue a new key instead"));
      }
      if (old.replacedBy() != null) {
        return Future.failedFuture(new ApiException(409, ErrorCodes.KEY_STATE, "key " + keyId + " was already replaced by "
            + old.replacedBy()));
      }
      Set<String> newScopes = scopes == null ? old.scopes() : scopes;
      String newName = name == null ? old.name() : name;
      details.put("scopes", new JsonArray(new TreeSet<>(newScopes).stream().toList()));
      return store.insertKey(tx, fresh.keyId(), tenant, fresh.hash(), newName, newScopes, null, by.actor())
          .compose(k -> store.replace(tx, keyId, fresh.keyId(), until).map(r -> new IssuedKey(k, fresh.secret(), r)));
    }), true);
  }

  private Future<Tenant> lockTenant(SqlConnection tx, String id) {
    return store.tenant(tx, id, true).map(t -> t.orElseThrow(() -> notFound(id)));
  }

  private Future<KeyRecord> lockKey(SqlConnection tx, String tenant, String keyId) {
    return lockTenant(tx, tenant).compose(t -> store.keyForUpdate(tx, tenant, keyId)).map(k -> k.orElseThrow(
        () -> new ApiException(404, ErrorCodes.KEY_NOT_FOUND, "tenant " + tenant + " has no key " + keyId)));
  }

  /**
   * Runs {@code work} in a transaction that commits only once the ledger holds the change's entry. If the commit
   * itself fails after the ledger acknowledged, a second entry records that the change was not made.
   */
  private <T> Future<T> change(Actor by, String action, String tenant, String target, JsonObject details,
                               Function<SqlConnection, Future<T>> work, boolean broadcast) {
    AuditEvent event = new AuditEvent("audit", tenant, by.actor(), action, "success", target, by.requestId(), by.sourceIp(), details);
    boolean[] acknowledged = {false};
    return store.pool().withTransaction(tx -> work.apply(tx)
            .compose(result -> log.required("gw:" + by.requestId() + ":" + action, event).map(reply -> {
              acknowledged[0] = true;
              return result;
            })))
        .onSuccess(r -> {
          LOG.info("{} {} by {}", action, target, by.actor(), kv("event", action), kv("tenant", tenant), kv("target", target));
          if (broadcast) {
            // here at once (the caller's next request may come before the broadcast is delivered), elsewhere by bus
            forgetLocally.accept(tenant);
            bus.publish(Addresses.GATEWAY_KEYS_EVENTS, new JsonObject().put("v", 1).put("type", action).put("tenant", tenant)
                .put("target", target));
          }
        })
        .onFailure(err -> {
          if (acknowledged[0]) {
            LOG.error("{} {} was recorded in the ledger but its commit failed; recording that it was not made", action, target,
                kv("event", "audit.change_aborted"), kv("action", action));
            log.required("gw:" + by.requestId() + ":" + action + ":aborted", new AuditEvent("audit", tenant, by.actor(),
                action + ".aborted", "failure", target, by.requestId(), by.sourceIp(),
                new JsonObject().put("reason", "commit failed after the ledger acknowledged")));
          }
        });
  }

  private static ApiException notFound(String id) {
    return new ApiException(404, ErrorCodes.TENANT_NOT_FOUND, "no tenant " + id);
  }
}
