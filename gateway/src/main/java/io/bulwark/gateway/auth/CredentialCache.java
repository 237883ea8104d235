package io.bulwark.gateway.auth;

import io.bulwark.gateway.store.TenantStore;
import io.bulwark.gateway.tenant.KeyRecord;
import io.vertx.core.Future;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the gateway knows about tenant keys and tenants, cached for at most {@code ttlMs}. A change broadcast on
 * {@code bulwark.gateway.keys.events} drops a tenant's entries at once; the TTL bounds how long a missed broadcast can
 * matter. A lookup that was in flight when its tenant was invalidated is not cached.
 */
public final class CredentialCache {
  private final TenantStore store;
  private final long ttlNanos;
  private final int maxEntries;
  private final Map<String, Cached<Optional<KeyRecord>>> keys = new ConcurrentHashMap<>();
  private final Map<String, Cached<Boolean>> tenants = new ConcurrentHashMap<>();
  private final Map<String, Future<Optional<KeyRecord>>> loading = new ConcurrentHashMap<>();
  /** Bumped by every invalidation: a load that started before it must not be cached after it. */
  private final AtomicLong generation = new AtomicLong();

  private record Cached<T>(T value, String tenant, long loadedAt) {}

  public CredentialCache(TenantStore store, long ttlMs, int maxEntries) {
    this.store = store;
    this.ttlNanos = ttlMs * 1_000_000L;
    this.maxEntries = maxEntries;
  }

  /** The key with this hash (empty when there is none). */
  public Future<Optional<KeyRecord>> key(byte[] hash) {
    String id = Base64.getEncoder().encodeToString(hash);
    long now = System.nanoTime();
    Cached<Optional<KeyRecord>> c = keys.get(id);
    if (c != null && now - c.loadedAt() < ttlNanos) {
      return Future.succeededFuture(c.value());
    }
    Future<Optional<KeyRecord>> inFlight = loading.get(id);
    if (inFlight != null) {
      return inFlight;
    }
    long gen = generation.get();
    Future<Optional<KeyRecord>> f = store.byHash(hash).onComplete(ar -> {
      loading.remove(id);
      // unknown keys are not cached: a guessed key is the brute-force guard's business, and a cache of misses
      // would be memory an attacker controls
      if (ar.succeeded() && ar.result().isPresent() && generation.get() == gen) {
        trim(keys);
        keys.put(id, new Cached<>(ar.result(), ar.result().get().tenant(), System.nanoTime()));
        // an invalidation on another event loop between the check and the put must still win
        if (generation.get() != gen) {
          keys.remove(id);
        }
      }
    });
    loading.put(id, f);
    return f;
  }

  /** Whether the tenant exists and is active (for tokens, which name their tenant). */
  public Future<Boolean> tenantActive(String tenant) {
    long now = System.nanoTime();
    Cached<Boolean> c = tenants.get(tenant);
    if (c != null && now - c.loadedAt() < ttlNanos) {
      return Future.succeededFuture(c.value());
    }
    long gen = generation.get();
    return store.tenant(store.pool(), tenant, false).map(t -> t.isPresent() && t.get().active()).onSuccess(active -> {
      if (generation.get() == gen) {
        trim(tenants);
        tenants.put(tenant, new Cached<>(active, tenant, System.nanoTime()));
        if (generation.get() != gen) {
          tenants.remove(tenant);
        }
      }
    });
  }

  /** Drops everything cached about a tenant and its keys. */
  public void invalidate(String tenant) {
    generation.incrementAndGet();
    keys.values().removeIf(c -> tenant.equals(c.tenant()));
    tenants.remove(tenant);
    // a lookup started before the change must not be shared with requests that come after it
    loading.clear();
  }

  private <T> void trim(Map<String, Cached<T>> map) {
    if (map.size() >= maxEntries) {
      long now = System.nanoTime();
      map.values().removeIf(c -> now - c.loadedAt() >= ttlNanos);
      if (map.size() >= maxEntries) {
        map.clear();
      }
    }
  }
}
