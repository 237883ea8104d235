package io.bulwark.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@code BULWARK_RATE_LIMITS}: what it accepts, its defaults, and a message naming policy and field for every refusal. */
class RateLimitPoliciesTest {
  private static final String VALID = """
      {"standard": {"limit": 100, "period": "1s", "burst": 200, "scope": "key"},
       "tenant-wide": {"limit": 6000, "period": "1m", "scope": "tenant"},
       "slow_1": {"limit": 5, "period": "250ms", "burst": 1},
       "daily": {"limit": 10000, "period": "24h"}}
      """;

  @Test
  void aJsonObjectAndTheSameJsonInAStringGiveTheSamePolicies() {
    Map<String, RateLimitPolicy> fromString = RateLimitPolicies.parse(VALID);
    Map<String, RateLimitPolicy> fromObject = RateLimitPolicies.parse(new JsonObject(VALID));
    assertEquals(fromString, fromObject);
    assertEquals(List.of("standard", "tenant-wide", "slow_1", "daily"), List.copyOf(fromString.keySet()));
    assertEquals(new RateLimitPolicy("standard", 100, Duration.ofSeconds(1), 200, RateLimitPolicy.Scope.KEY),
        fromString.get("standard"));
    assertEquals(new RateLimitPolicy("tenant-wide", 6000, Duration.ofMinutes(1), 6000, RateLimitPolicy.Scope.TENANT),
        fromString.get("tenant-wide"), "burst defaults to the limit");
    assertEquals(new RateLimitPolicy("slow_1", 5, Duration.ofMillis(250), 1, RateLimitPolicy.Scope.KEY),
        fromString.get("slow_1"));
    RateLimitPolicy daily = fromString.get("daily");
    assertEquals(RateLimitPolicy.Scope.KEY, daily.scope(), "scope defaults to key");
    assertEquals(Duration.ofHours(24), daily.period());
    assertEquals(8_640_000, daily.intervalMicros());
    assertEquals(8_640_000L * 9_999, daily.toleranceMicros());
    assertEquals(10_000, fromString.get("standard").intervalMicros());
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "   ", "{}"})
  void missingOrBlankMeansNoPolicies(String raw) {
    assertTrue(RateLimitPolicies.parse(raw).isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"p\": {\"limit\": 1, \"period\": \"1s\", \"bursts\": 2}}                | p.bursts",
      "{\"p\": {\"period\": \"1s\"}}                                             | p.limit",
      "{\"p\": {\"limit\": \"100\", \"period\": \"1s\"}}                         | p.limit",
      "{\"p\": {\"limit\": 0, \"period\": \"1s\"}}                               | p.limit",
      "{\"p\": {\"limit\": -3, \"period\": \"1s\"}}                              | p.limit",
      "{\"p\": {\"limit\": 1.5, \"period\": \"1s\"}}                             | p.limit",
      "{\"p\": {\"limit\": true, \"period\": \"1s\"}}                            | p.limit",
      "{\"p\": {\"limit\": null, \"period\": \"1s\"}}                            | p.limit",
      "{\"p\": {\"limit\": 2000000, \"period\": \"1s\"}}                         | p.limit",
      "{\"p\": {\"limit\": 10}}                                                  | p.period",
      "{\"p\": {\"limit\": 10, \"period\": 1}}                                   | p.period",
      "{\"p\": {\"limit\": 10, \"period\": \"0s\"}}                              | p.period",
      "{\"p\": {\"limit\": 10, \"period\": \"1d\"}}                              | p.period",
      "{\"p\": {\"limit\": 10, \"period\": \"1 s\"}}                             | p.period",
      "{\"p\": {\"limit\": 10, \"period\": \"-1s\"}}                             | p.period",
      "{\"p\": {\"limit\": 10, \"period\": \"9000h\"}}                           | p.period",
      "{\"p\": {\"limit\": 10, \"period\": \"1s\", \"burst\": 0}}                | p.burst",
      "{\"p\": {\"limit\": 10, \"period\": \"1s\", \"burst\": \"5\"}}            | p.burst",
      "{\"p\": {\"limit\": 10, \"period\": \"1s\", \"burst\": 2.5}}              | p.burst",
      "{\"p\": {\"limit\": 1, \"period\": \"8000h\", \"burst\": 1000000000}}    | p.burst",
      "{\"p\": {\"limit\": 10, \"period\": \"1s\", \"scope\": \"global\"}}       | p.scope",
      "{\"p\": {\"limit\": 10, \"period\": \"1s\", \"scope\": 1}}                | p.scope",
      "{\"ok\": {\"limit\": 1, \"period\": \"1s\"}, \"bad\": {\"limit\": 1, \"period\": \"1x\"}} | bad.period",
  })
  void everyInvalidFieldIsNamed(String json, String field) {
    ConfigException fromString = assertThrows(ConfigException.class, () -> RateLimitPolicies.parse(json));
    assertTrue(fromString.getMessage().contains("BULWARK_RATE_LIMITS " + field), fromString.getMessage());
    ConfigException fromObject = assertThrows(ConfigException.class, () -> RateLimitPolicies.parse(new JsonObject(json)));
    assertEquals(fromString.getMessage(), fromObject.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"p\": 5}", "{\"p\": \"100/s\"}", "{\"p\": [1]}", "{\"p\": null}"})
  void aPolicyMustBeAnObject(String json) {
    ConfigException e = assertThrows(ConfigException.class, () -> RateLimitPolicies.parse(json));
    assertTrue(e.getMessage().contains("BULWARK_RATE_LIMITS p must be an object"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Standard", "-lead", "has space", "dots.in.name", "a23456789012345678901234567890123456789012345678901234567890abcd"})
  void badPolicyNamesAreRefused(String name) {
    JsonObject raw = new JsonObject().put(name, new JsonObject().put("limit", 1).put("period", "1s"));
    ConfigException e = assertThrows(ConfigException.class, () -> RateLimitPolicies.parse(raw));
    assertTrue(e.getMessage().contains("'" + name + "' is not a valid policy name"), e.getMessage());
  }

  @Test
  void somethingOtherThanAnObjectOfPoliciesIsRefused() {
    for (Object raw : List.of("{not json", "[1, 2]", "100", 42, new JsonArray().add(1))) {
      ConfigException e = assertThrows(ConfigException.class, () -> RateLimitPolicies.parse(raw), String.valueOf(raw));
      assertTrue(e.getMessage().startsWith("invalid configuration: BULWARK_RATE_LIMITS "), e.getMessage());
    }
  }
}
