package io.bulwark.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.config.ConfigException;
import io.bulwark.shared.config.ServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Admin keys from {@code BULWARK_ADMIN_KEYS}: matching, fingerprints, generated keys, and refusals. Only paths that never
 * reach the key store are exercised here (configured keys, or production without keys); the store path is an IT.
 */
class AdminKeysTest {
  private static final String FIRST = "first-admin-key-0123456789abcdef";
  private static final String SECOND = "second-admin-key-fedcba9876543210";

  private static ServiceConfig config(String env, String adminKeys) {
    JsonObject raw = new JsonObject().put("MANAGEMENT_PORT", 0).put("DATABASE_URL", "postgres://postgres@127.0.0.1/bulwark")
        .put("BULWARK_ENV", env);
    if (adminKeys != null) {
      raw.put("BULWARK_ADMIN_KEYS", adminKeys);
    }
    return ServiceConfig.of("gateway", raw);
  }

  private static AdminKeys.Loaded loadConfigured(String adminKeys) {
    // configured keys never touch the store
    Future<AdminKeys.Loaded> f = AdminKeys.choose(config("production", adminKeys), null);
    assertTrue(f.succeeded(), () -> String.valueOf(f.cause()));
    return f.result();
  }

  @Test
  void bothConfiguredKeysMatchWithTheirOwnFingerprint() {
    AdminKeys.Loaded loaded = loadConfigured(FIRST + ", " + SECOND);
    assertTrue(loaded.generatedKey().isEmpty(), "nothing is generated when keys are configured");
    AdminKeys keys = loaded.keys();
    assertEquals(Optional.of(AdminKeys.fingerprint(AdminKeys.hash(FIRST))), keys.match(FIRST));
    assertEquals(Optional.of(AdminKeys.fingerprint(AdminKeys.hash(SECOND))), keys.match(SECOND));
    assertFalse(keys.match(FIRST).equals(keys.match(SECOND)));
  }

  @Test
  void wrongEmptyAndMissingKeysDoNotMatch() {
    AdminKeys keys = loadConfigured(FIRST + "," + SECOND).keys();
    assertEquals(Optional.empty(), keys.match("wrong-admin-key-0123456789abcdef"));
    assertEquals(Optional.empty(), keys.match(FIRST + " "));
    assertEquals(Optional.empty(), keys.match(FIRST.substring(1)));
    assertEquals(Optional.empty(), keys.match(FIRST.toUpperCase()));
    assertEquals(Optional.empty(), keys.match(""));
    assertEquals(Optional.empty(), keys.match(null));
  }

  @Test
  void emptyEntriesInTheListAreSkipped() {
    AdminKeys keys = loadConfigured(" ," + FIRST + ",, ").keys();
    assertTrue(keys.match(FIRST).isPresent());
  }

  @Test
  void fingerprintIsTwelveHexCharactersOfTheHashAndRevealsNoKey() {
    for (String key : new String[] {FIRST, SECOND, AdminKeys.generate()}) {
      String fp = AdminKeys.fingerprint(AdminKeys.hash(key));
      assertTrue(fp.matches("[0-9a-f]{12}"), fp);
      assertFalse(key.contains(fp), "the fingerprint must not be a piece of the key");
      assertFalse(fp.contains(key.substring(0, 6)), fp);
      assertEquals(fp, AdminKeys.fingerprint(AdminKeys.hash(key)), "stable");
    }
  }

  @Test
  void generatedKeysCarryThePrefixAnd256BitsOfEntropy() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String key = AdminKeys.generate();
      assertTrue(key.startsWith(AdminKeys.PREFIX), key);
      String random = key.substring(AdminKeys.PREFIX.length());
      assertTrue(random.length() >= 43, key);
      assertTrue(random.matches("[A-Za-z0-9_-]+"), "URL-safe base64 without padding: " + key);
      assertTrue(seen.add(key), "duplicate " + key);
    }
  }

  @Test
  void aGeneratedKeyIsAcceptedWhenConfigured() {
    String key = AdminKeys.generate();
    assertTrue(loadConfigured(key).keys().match(key).isPresent());
  }

  @Test
  void aConfiguredKeyShorterThan24CharactersIsRefused() {
    Future<AdminKeys.Loaded> f = AdminKeys.choose(config("development", FIRST + ",short-key-23-characters"), null);
    assertTrue(f.failed() && f.cause() instanceof ConfigException, String.valueOf(f.cause()));
    Throwable e = f.cause();
    assertTrue(e.getMessage().contains("BULWARK_ADMIN_KEYS"), e.getMessage());
    assertFalse(e.getMessage().contains("short-key-23-characters"), "the key itself is not echoed: " + e.getMessage());
    assertEquals(24, "exactly-24-characters-ok".length());
    assertTrue(loadConfigured("exactly-24-characters-ok").keys().match("exactly-24-characters-ok").isPresent());
  }

  @Test
  void productionWithoutKeysFailsWithAConfigException() {
    for (String none : new String[] {null, "", " , "}) {
      Future<AdminKeys.Loaded> f = AdminKeys.choose(config("production", none), null);
      assertTrue(f.failed(), "production must refuse to start without admin keys");
      assertTrue(f.cause() instanceof ConfigException, String.valueOf(f.cause()));
      assertTrue(f.cause().getMessage().contains("BULWARK_ADMIN_KEYS"), f.cause().getMessage());
    }
  }
}
