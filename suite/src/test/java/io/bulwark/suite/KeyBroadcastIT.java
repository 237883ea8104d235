package io.bulwark.suite;

import static io.bulwark.suite.EventSliceIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway processes: a key revoked or a tenant suspended through one is refused by both within 1 s, although each
 * had the key cached with a TTL far longer than that (the broadcast, not the TTL, does it).
 */
class KeyBroadcastIT {
  @TempDir
  static Path dir;
  private static GatewayPair pair;

  @BeforeAll
  static void start() {
    pair = new GatewayPair("key_broadcast", dir, Map.of("BULWARK_KEY_CACHE_TTL_MS", "60000"));
  }

  @AfterAll
  static void stop() {
    pair.close();
  }

  @Test
  void revocationReachesBothInstancesWithinOneSecond() {
    Tenants.create(pair.gateway(0), "bcast");
    JsonObject issued = Tenants.issue(pair.gateway(0), "bcast", "audit:read");
    String secret = issued.getString("secret");
    warm(secret);
    HttpResponse<String> r = Tenants.admin("DELETE", pair.gateway(1) + "/admin/tenants/bcast/keys/" + issued.getJsonObject("key").getString("id"), null);
    assertEquals(200, r.statusCode(), r.body());
    long[] ms = refusedWithin(secret, 401);
    System.out.printf("key broadcast: revoked key refused after %d ms (instance 0) and %d ms (instance 1)%n", ms[0], ms[1]);
    assertProblem(Tenants.getWith(pair.gateway(0) + "/v1/audit/entries", secret), 401, "auth.revoked_key");
  }

  @Test
  void suspensionReachesBothInstancesWithinOneSecond() {
    Tenants.create(pair.gateway(1), "bsusp");
    String secret = Tenants.issue(pair.gateway(1), "bsusp", "audit:read").getString("secret");
    warm(secret);
    assertEquals(200, Tenants.admin("POST", pair.gateway(0) + "/admin/tenants/bsusp/suspend", null).statusCode());
    long[] ms = refusedWithin(secret, 403);
    System.out.printf("key broadcast: suspended tenant refused after %d ms (instance 0) and %d ms (instance 1)%n", ms[0], ms[1]);
    assertEquals(200, Tenants.admin("POST", pair.gateway(1) + "/admin/tenants/bsusp/resume", null).statusCode());
    refusedWithin(secret, 200);
  }

  /** Makes both instances cache the key. */
  private static void warm(String secret) {
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> ok = Tenants.getWith(pair.gateway(i) + "/v1/audit/entries", secret);
      assertEquals(200, ok.statusCode(), ok.body());
    }
  }

  /** Milliseconds until each instance answers {@code status} for the key; fails past 1 s. */
  private static long[] refusedWithin(String secret, int status) {
    long start = System.nanoTime();
    long[] ms = {-1, -1};
    while ((ms[0] < 0 || ms[1] < 0) && System.nanoTime() - start < 1_000_000_000L) {
      for (int i = 0; i < 2; i++) {
        if (ms[i] < 0 && Tenants.getWith(pair.gateway(i) + "/v1/audit/entries", secret).statusCode() == status) {
          ms[i] = (System.nanoTime() - start) / 1_000_000;
        }
      }
    }
    assertTrue(ms[0] >= 0 && ms[1] >= 0, "not every instance answered " + status + " within 1 s: " + ms[0] + ", " + ms[1]);
    return ms;
  }
}
