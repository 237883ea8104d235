package io.bulwark.shared.config;

import static io.bulwark.shared.config.ConfigAssertions.assertOneLineNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Validation and defaults of one service's configuration, independent of where the values came from. */
class ServiceConfigTest {

  private static JsonObject minimal() {
    return new JsonObject().put("MANAGEMENT_PORT", 9090).put("DATABASE_URL", "postgres://app:pw@db:5433/bulwark");
  }

  private static ServiceConfig of(JsonObject raw) {
    return ServiceConfig.of("probe", raw);
  }

  private static ServiceConfig with(String key, Object value) {
    return of(minimal().put(key, value));
  }

  @Test
  void defaultsOfAMinimalConfig() {
    ServiceConfig c = of(minimal());
    assertEquals("probe", c.service());
    assertEquals(BulwarkEnv.DEVELOPMENT, c.env());
    assertFalse(c.production());
    assertEquals(9090, c.managementPort());
    assertNull(c.httpPort());
    assertEquals("db", c.databaseUrl().host());
    assertEquals(5433, c.databaseUrl().port());
    assertEquals("127.0.0.1", c.bindHost());
    assertFalse(c.cluster());
    assertEquals(List.of("127.0.0.1:5701"), c.clusterMembers());
    assertEquals("127.0.0.1", c.clusterHost());
    assertEquals(5701, c.clusterPort());
    assertEquals(1000, c.readinessIntervalMs());
    assertEquals(1500, c.readinessTimeoutMs());
    assertEquals(1000, c.shutdownDrainMs());
    assertEquals(15_000, c.shutdownTimeoutMs());
    assertEquals(65_536, c.maxBodyBytes());
  }

  @Test
  void theManagementPortAndTheDatabaseUrlAreRequired() {
    JsonObject noPort = minimal();
    noPort.remove("MANAGEMENT_PORT");
    assertOneLineNaming("MANAGEMENT_PORT", assertThrows(ConfigException.class, () -> of(noPort)));
    JsonObject noDb = minimal();
    noDb.remove("DATABASE_URL");
    assertOneLineNaming("DATABASE_URL", assertThrows(ConfigException.class, () -> of(noDb)));
  }

  @Test
  void portsAcceptNumbersAndNumericStringsWithinRange() {
    assertEquals(8080, with("HTTP_PORT", "8080").httpPort());
    assertEquals(8080, with("HTTP_PORT", " 8080 ").httpPort());
    assertEquals(8080, with("HTTP_PORT", 8080.0).httpPort());
    assertEquals(0, with("MANAGEMENT_PORT", 0).managementPort());
    assertEquals(65_535, with("MANAGEMENT_PORT", "65535").managementPort());
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "65536", "70000", "abc", "80.5", "0x50"})
  void portsOutsideTheRangeOrNotWholeNumbersAreRefused(String value) {
    assertOneLineNaming("HTTP_PORT", assertThrows(ConfigException.class, () -> with("HTTP_PORT", value)));
  }

  @Test
  void aFractionalJsonNumberIsNotAPort() {
    assertOneLineNaming("MANAGEMENT_PORT", assertThrows(ConfigException.class, () -> with("MANAGEMENT_PORT", 9090.5)));
  }

  @ParameterizedTest
  @CsvSource({"development, DEVELOPMENT", "TEST, TEST", "' Production ', PRODUCTION"})
  void environmentNamesAreCaseInsensitive(String raw, BulwarkEnv expected) {
    ServiceConfig c = with("BULWARK_ENV", raw);
    assertEquals(expected, c.env());
    assertEquals(expected == BulwarkEnv.PRODUCTION, c.production());
  }

  @Test
  void redisUrlIsOptionalButMustBeARedisUrl() {
    assertNull(of(minimal()).redisUrl());
    assertEquals(6380, with("REDIS_URL", "redis://cache.internal:6380/2").redisUrl().getPort());
    assertEquals("rediss", with("REDIS_URL", "rediss://:pw@cache:6380").redisUrl().getScheme());
    for (String bad : new String[] {"http://cache:6379", "cache:6379", "redis://", "redis:// bad"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> with("REDIS_URL", bad), bad);
      assertOneLineNaming("REDIS_URL", e);
      assertFalse(e.getMessage().contains("pw"), e.getMessage());
    }
  }

  @Test
  void anUnknownEnvironmentIsRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> with("BULWARK_ENV", "staging"));
    assertOneLineNaming("BULWARK_ENV", e);
    assertTrue(e.getMessage().contains("staging"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"true, true", "TRUE, true", "1, true", "yes, true", "on, true", "false, false", "0, false", "no, false",
      "off, false", "'', false"})
  void booleansAcceptTheUsualSpellings(String raw, boolean expected) {
    assertEquals(expected, with("BULWARK_CLUSTER", raw).cluster());
  }

  @Test
  void jsonBooleansAreBooleans() {
    assertTrue(with("BULWARK_CLUSTER", true).cluster());
    assertOneLineNaming("BULWARK_CLUSTER", assertThrows(ConfigException.class, () -> with("BULWARK_CLUSTER", "maybe")));
  }

  @Test
  void clusterMembersAreTrimmedAndEmptyEntriesSkipped() {
    ServiceConfig c = of(minimal().put("BULWARK_CLUSTER", "true").put("BULWARK_CLUSTER_MEMBERS", " a:5701, ,b.internal:5702,"));
    assertEquals(List.of("a:5701", "b.internal:5702"), c.clusterMembers());
  }

  @ParameterizedTest
  @ValueSource(strings = {"nohost", ":5701", "host:", "host:abc", "host:0", "host:65536", "a:5701,nohost"})
  void malformedClusterMembersAreRefused(String members) {
    assertOneLineNaming("BULWARK_CLUSTER_MEMBERS",
        assertThrows(ConfigException.class, () -> with("BULWARK_CLUSTER_MEMBERS", members)));
  }

  @Test
  void aClusterNeedsAtLeastOneMember() {
    JsonObject raw = minimal().put("BULWARK_CLUSTER", true).put("BULWARK_CLUSTER_MEMBERS", " , ");
    assertOneLineNaming("BULWARK_CLUSTER_MEMBERS", assertThrows(ConfigException.class, () -> of(raw)));
  }

  @ParameterizedTest
  @CsvSource({"BULWARK_READINESS_INTERVAL_MS, 99", "BULWARK_READINESS_TIMEOUT_MS, 60001", "BULWARK_SHUTDOWN_DRAIN_MS, -1",
      "BULWARK_SHUTDOWN_TIMEOUT_MS, 99", "BULWARK_MAX_BODY_BYTES, 1023", "BULWARK_CLUSTER_PORT, 65536"})
  void tunablesOutOfRangeAreRefusedAtConstruction(String key, String value) {
    assertOneLineNaming(key, assertThrows(ConfigException.class, () -> with(key, value)));
  }

  @Test
  void tunablesWithinRangeAreRead() {
    ServiceConfig c = of(minimal().put("BULWARK_READINESS_INTERVAL_MS", "100").put("BULWARK_SHUTDOWN_DRAIN_MS", 0)
        .put("BULWARK_MAX_BODY_BYTES", 16 * 1024 * 1024));
    assertEquals(100, c.readinessIntervalMs());
    assertEquals(0, c.shutdownDrainMs());
    assertEquals(16 * 1024 * 1024, c.maxBodyBytes());
  }

  @Test
  void stringsAreTrimmedAndBlankMeansAbsent() {
    assertEquals("0.0.0.0", with("BULWARK_BIND_HOST", "  0.0.0.0 ").bindHost());
    assertEquals("127.0.0.1", with("BULWARK_BIND_HOST", "   ").bindHost());
    assertEquals("fallback", of(minimal()).string("MISSING", "fallback"));
  }

  @Test
  void aStructuredValueWhereAStringBelongsIsRefused() {
    ServiceConfig c = of(minimal().put("BULWARK_SIGNING_KEY", new JsonObject().put("k", "v"))
        .put("BULWARK_ADMIN_KEYS", new JsonArray().add("a")));
    assertOneLineNaming("BULWARK_SIGNING_KEY", assertThrows(ConfigException.class, () -> c.string("BULWARK_SIGNING_KEY", null)));
    assertOneLineNaming("BULWARK_ADMIN_KEYS", assertThrows(ConfigException.class, () -> c.string("BULWARK_ADMIN_KEYS", null)));
  }

  @Test
  void theConfigIsACopyOfItsInput() {
    JsonObject raw = minimal();
    ServiceConfig c = of(raw);
    raw.put("MANAGEMENT_PORT", 1);
    assertEquals(9090, c.managementPort());
    assertEquals(9090, c.raw().getInteger("MANAGEMENT_PORT"));
  }

  @Test
  void theDatabasePasswordDoesNotShowInErrorsOfOtherKeys() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> of(minimal().put("DATABASE_URL", "postgres://app:hunter2secret@db/bulwark").put("MANAGEMENT_PORT", "x")));
    assertFalse(e.getMessage().contains("hunter2secret"), e.getMessage());
  }
}
