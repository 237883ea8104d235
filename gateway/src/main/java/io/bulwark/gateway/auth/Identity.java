package io.bulwark.gateway.auth;

import io.bulwark.gateway.audit.DecisionLog;
import io.bulwark.gateway.regulator.RegulatorPortal;
import io.bulwark.gateway.store.TenantStore;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.config.ServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's authentication wiring: admin keys, the credential cache (dropped per tenant by broadcasts on
 * {@code bulwark.gateway.keys.events}), JWT verification, and the brute-force guard, whose failure counts every
 * instance shares over {@code bulwark.gateway.auth.events}; configured from {@code BULWARK_*} settings.
 */
public final class Identity {
  private static final Logger LOG = LoggerFactory.getLogger(Identity.class);
  private final Vertx vertx;
  private final CredentialCache cache;
  private final AuthGuard guard;
  private final ClientAddress client;
  private final Authenticator authenticator;
  private MessageConsumer<JsonObject> changes;
  private MessageConsumer<JsonObject> failures;
  /** Names this gateway instance in failure broadcasts, so it does not count its own twice. */
  private final String instance = java.util.UUID.randomUUID().toString();
  private long sweepTimer = -1;

  public Identity(Vertx vertx, ServiceConfig config, AdminKeys admin, TenantStore store, DecisionLog log,
                  RegulatorPortal regulators) {
    this.vertx = vertx;
    this.cache = new CredentialCache(store, config.intRange("BULWARK_KEY_CACHE_TTL_MS", 5000, 0, 60_000), 100_000);
    this.guard = new AuthGuard(config.intRange("BULWARK_AUTH_FAILURE_LIMIT", 10, 1, 10_000),
        config.intRange("BULWARK_AUTH_FAILURE_WINDOW_MS", 60_000, 1000, 86_400_000),
        config.intRange("BULWARK_AUTH_BLOCK_MS", 300_000, 1000, 86_400_000), 200_000, System::currentTimeMillis);
    String trusted = config.string("BULWARK_TRUSTED_PROXIES", "");
    this.client = new ClientAddress(Arrays.stream(trusted.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .collect(Collectors.toSet()));
    this.authenticator = new Authenticator(admin, cache, JwtVerifier.create(vertx, config), guard, client, log, regulators,
        subject -> vertx.eventBus().publish(Addresses.GATEWAY_AUTH_EVENTS,
            new JsonObject().put("v", 1).put("subject", subject).put("origin", instance)));
  }

  /** Subscribes to key and tenant changes from every gateway instance. */
  public Future<Void> start() {
    changes = vertx.eventBus().<JsonObject>consumer(Addresses.GATEWAY_KEYS_EVENTS, msg -> {
      Object tenant = msg.body() == null ? null : msg.body().getValue("tenant");
      if (tenant instanceof String t) {
        cache.invalidate(t);
      } else {
        LOG.warn("ignored a key change event without a tenant");
      }
    });
    // failures counted by other instances count here too: a block needs the same number wherever they were made
    failures = vertx.eventBus().<JsonObject>consumer(Addresses.GATEWAY_AUTH_EVENTS, msg -> {
      JsonObject body = msg.body();
      if (body != null && !instance.equals(body.getString("origin")) && body.getValue("subject") instanceof String subject
          && subject.length() <= 200) {
        guard.failure(subject);
      }
    });
    sweepTimer = vertx.setPeriodic(Math.max(1000, guard.windowMs()), id -> guard.sweep());
    return Future.all(changes.completion(), failures.completion()).mapEmpty();
  }

  public Future<Void> stop() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    return Future.all(changes == null ? Future.succeededFuture() : changes.unregister(),
        failures == null ? Future.succeededFuture() : failures.unregister()).mapEmpty();
  }

  public Authenticator authenticator() {
    return authenticator;
  }

  /** Drops what this instance cached about a tenant (its own changes, before they are answered). */
  public void forget(String tenant) {
    cache.invalidate(tenant);
  }

  public ClientAddress client() {
    return client;
  }

  /** Kinds of caller that may read the ledger of their own tenant. */
  public static final Set<Caller.Kind> READERS = Set.of(Caller.Kind.ADMIN, Caller.Kind.API_KEY, Caller.Kind.JWT);
}
