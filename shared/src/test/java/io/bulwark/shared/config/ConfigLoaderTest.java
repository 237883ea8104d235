package io.bulwark.shared.config;

import static io.bulwark.shared.config.ConfigAssertions.assertOneLineNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.config.ConfigLoader.Mode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Precedence of the configuration sources for the test service {@code probe} (defaults in {@code conf/probe.json}:
 * management port 0, environment test): jar defaults &lt; BULWARK_CONFIG file (top level, then the service's section)
 * &lt; environment, and which environment names count in the suite.
 */
class ConfigLoaderTest {
  private static final String DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bulwark";
  private static Vertx vertx;

  @TempDir
  Path tmp;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void jarDefaultsApplyWhenNothingElseIsSet() throws Exception {
    ServiceConfig c = load(Map.of(), Mode.STANDALONE);
    assertEquals("probe", c.service());
    assertEquals(0, c.managementPort());
    assertEquals(BulwarkEnv.TEST, c.env());
    assertEquals(DEFAULT_DB, c.databaseUrl().toUrl());
    assertNull(c.httpPort());
  }

  @Test
  void fileTopLevelKeysOverrideDefaults() throws Exception {
    Path file = file(new JsonObject().put("MANAGEMENT_PORT", 7001).put("BULWARK_ENV", "development"));
    ServiceConfig c = load(Map.of("BULWARK_CONFIG", file.toString()), Mode.STANDALONE);
    assertEquals(7001, c.managementPort());
    assertEquals(BulwarkEnv.DEVELOPMENT, c.env());
    assertEquals(DEFAULT_DB, c.databaseUrl().toUrl(), "keys the file does not set keep their defaults");
  }

  @Test
  void theServiceSectionOfTheFileWinsOverItsTopLevel() throws Exception {
    Path file = file(new JsonObject().put("MANAGEMENT_PORT", 7001).put("HTTP_PORT", 8001)
        .put("probe", new JsonObject().put("MANAGEMENT_PORT", 7002))
        .put("gateway", new JsonObject().put("MANAGEMENT_PORT", 7003).put("HTTP_PORT", 8003)));
    ServiceConfig c = load(Map.of("BULWARK_CONFIG", file.toString()), Mode.STANDALONE);
    assertEquals(7002, c.managementPort());
    assertEquals(8001, c.httpPort(), "another service's section does not apply");
    assertFalse(c.raw().containsKey("probe"), "the section is merged, not kept as a key");
  }

  @Test
  void environmentWinsOverTheFilesTopLevel() throws Exception {
    Path file = file(new JsonObject().put("MANAGEMENT_PORT", 7001).put("BULWARK_ENV", "development"));
    ServiceConfig c = load(Map.of("BULWARK_CONFIG", file.toString(), "MANAGEMENT_PORT", "7004",
        "BULWARK_ENV", "production"), Mode.STANDALONE);
    assertEquals(7004, c.managementPort());
    assertEquals(BulwarkEnv.PRODUCTION, c.env());
  }

  @Test
  void environmentWinsOverTheFilesServiceSection() throws Exception {
    Path file = file(new JsonObject().put("MANAGEMENT_PORT", 7001)
        .put("probe", new JsonObject().put("MANAGEMENT_PORT", 7002).put("BULWARK_ENV", "development")));
    ServiceConfig c = load(Map.of("BULWARK_CONFIG", file.toString(), "MANAGEMENT_PORT", "7004",
        "BULWARK_ENV", "production"), Mode.STANDALONE);
    assertEquals(7004, c.managementPort());
    assertEquals(BulwarkEnv.PRODUCTION, c.env());
  }

  @Test
  void standaloneTakesThePlainPortsAndTheServicePrefixedOnesWin() throws Exception {
    ServiceConfig plain = load(Map.of("HTTP_PORT", "8100", "MANAGEMENT_PORT", "9100"), Mode.STANDALONE);
    assertEquals(8100, plain.httpPort());
    assertEquals(9100, plain.managementPort());

    ServiceConfig scoped = load(Map.of("HTTP_PORT", "8100", "PROBE_HTTP_PORT", "8200",
        "MANAGEMENT_PORT", "9100", "PROBE_MANAGEMENT_PORT", "9200"), Mode.STANDALONE);
    assertEquals(8200, scoped.httpPort());
    assertEquals(9200, scoped.managementPort());
  }

  @Test
  void suiteIgnoresPlainPortsButTakesPrefixedOnesAndThePlainDatabaseUrl() throws Exception {
    ServiceConfig plain = load(Map.of("HTTP_PORT", "8100", "MANAGEMENT_PORT", "9100",
        "DATABASE_URL", "postgres://suite@db.internal:6000/shared"), Mode.SUITE);
    assertNull(plain.httpPort());
    assertEquals(0, plain.managementPort());
    assertEquals("db.internal", plain.databaseUrl().host());
    assertEquals("suite", plain.databaseUrl().user());

    ServiceConfig scoped = load(Map.of("HTTP_PORT", "8100", "PROBE_HTTP_PORT", "8200", "PROBE_MANAGEMENT_PORT", "9200",
        "DATABASE_URL", "postgres://suite@db.internal:6000/shared",
        "PROBE_DATABASE_URL", "postgres://probe@db.probe:6001/own"), Mode.SUITE);
    assertEquals(8200, scoped.httpPort());
    assertEquals(9200, scoped.managementPort());
    assertEquals("db.probe", scoped.databaseUrl().host());
    assertEquals("own", scoped.databaseUrl().database());
  }

  @Test
  void anotherServicesPrefixDoesNotApply() throws Exception {
    ServiceConfig c = load(Map.of("GATEWAY_MANAGEMENT_PORT", "9300", "GATEWAY_HTTP_PORT", "8300"), Mode.SUITE);
    assertEquals(0, c.managementPort());
    assertNull(c.httpPort());
  }

  @Test
  void unrelatedEnvironmentVariablesStayOut() throws Exception {
    ServiceConfig c = load(Map.of("PATH", "/usr/bin", "HOME", "/root", "BULWARK_AUDIT_TIMEOUT_MS", "250"), Mode.STANDALONE);
    assertFalse(c.raw().containsKey("PATH"));
    assertFalse(c.raw().containsKey("HOME"));
    assertEquals(250, c.intRange("BULWARK_AUDIT_TIMEOUT_MS", 5000, 1, 60_000), "BULWARK_* names are passed through");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
      "MANAGEMENT_PORT, abc",
      "MANAGEMENT_PORT, 70000",
      "MANAGEMENT_PORT, -1",
      "BULWARK_ENV, staging",
      "DATABASE_URL, mysql://x",
      "BULWARK_CLUSTER, maybe",
      "BULWARK_CLUSTER_MEMBERS, nohost",
      "BULWARK_CONFIG, /nonexistent/bulwark.json",
  })
  void invalidValuesFailWithOneLineNamingTheKey(String key, String value) {
    assertOneLineNaming(key, failure(Map.of(key, value), Mode.STANDALONE));
  }

  @Test
  void anInvalidPrefixedValueNamesTheKeyItLandsOn() {
    assertOneLineNaming("MANAGEMENT_PORT", failure(Map.of("PROBE_MANAGEMENT_PORT", "abc"), Mode.SUITE));
  }

  @Test
  void aFileThatIsNotJsonFailsNamingBulwarkConfig() throws Exception {
    Throwable t = failure(Map.of("BULWARK_CONFIG", brokenFile().toString()), Mode.STANDALONE);
    assertTrue(t instanceof ConfigException, String.valueOf(t));
    assertTrue(t.getMessage().startsWith("invalid configuration: BULWARK_CONFIG "), t.getMessage());
  }

  @Test
  void aFileThatIsNotJsonFailsOnOneLine() throws Exception {
    assertOneLineNaming("BULWARK_CONFIG", failure(Map.of("BULWARK_CONFIG", brokenFile().toString()), Mode.STANDALONE));
  }

  @Test
  void anInvalidValueInTheFileFailsNamingTheKey() throws Exception {
    Path file = file(new JsonObject().put("probe", new JsonObject().put("BULWARK_CLUSTER_PORT", 99_999)));
    assertOneLineNaming("BULWARK_CLUSTER_PORT", failure(Map.of("BULWARK_CONFIG", file.toString()), Mode.STANDALONE));
  }

  @Test
  void aServiceWithoutJarDefaultsIsRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.defaults("no-such-service"));
    assertOneLineNaming("conf/no-such-service.json", e);
  }

  private Path brokenFile() throws IOException {
    Path file = tmp.resolve("broken.json");
    Files.writeString(file, "{ \"MANAGEMENT_PORT\": ");
    return file;
  }

  private Path file(JsonObject content) throws IOException {
    Path file = tmp.resolve("bulwark.json");
    Files.writeString(file, content.encodePrettily());
    return file;
  }

  private static ServiceConfig load(Map<String, String> env, Mode mode) throws Exception {
    return await(ConfigLoader.load(vertx, "probe", env, mode));
  }

  private static Throwable failure(Map<String, String> env, Mode mode) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> load(new HashMap<>(env), mode));
    return e.getCause();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
