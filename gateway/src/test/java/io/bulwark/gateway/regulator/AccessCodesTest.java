package io.bulwark.gateway.regulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.gateway.auth.AdminKeys;
import io.bulwark.shared.config.ConfigException;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AccessCodesTest {
  private static String hex(String code) {
    return HexFormat.of().formatHex(AdminKeys.hash(code));
  }

  @Test
  void matchesByHashAndNamesTheCode() {
    AccessCodes codes = AccessCodes.parse("fca:" + hex("code-one-0123456789") + ", pra:" + hex("code-two-0123456789").toUpperCase());
    assertTrue(codes.enabled());
    assertEquals(2, codes.size());
    assertEquals(Optional.of("fca"), codes.match("code-one-0123456789"));
    assertEquals(Optional.of("pra"), codes.match("code-two-0123456789"));
    assertEquals(Optional.empty(), codes.match("code-one-012345678"));
    assertEquals(Optional.empty(), codes.match(hex("code-one-0123456789")), "the hash itself is not a code");
    assertEquals(Optional.empty(), codes.match(""));
    assertEquals(Optional.empty(), codes.match(null));
    assertEquals(Optional.empty(), codes.match("x".repeat(AccessCodes.MAX_CODE_LENGTH + 1)));
  }

  @Test
  void blankMeansThePortalIsDisabled() {
    assertFalse(AccessCodes.parse("").enabled());
    assertFalse(AccessCodes.parse(" , ").enabled());
    assertFalse(AccessCodes.parse(null).enabled());
    assertEquals(Optional.empty(), AccessCodes.parse("").match("anything"));
  }

  static java.util.stream.Stream<String> malformed() {
    return java.util.stream.Stream.of("fca:plain-code-not-a-hash", "fca", "0123", ":abc", "bad name:" + "a".repeat(64),
        "fca:" + "g".repeat(64), "fca:" + "a".repeat(63));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void aMalformedEntryIsAConfigErrorThatNeverEchoesTheValue(String entry) {
    ConfigException e = assertThrows(ConfigException.class, () -> AccessCodes.parse(entry));
    assertTrue(e.getMessage().contains(AccessCodes.SETTING), e.getMessage());
    assertFalse(e.getMessage().contains("plain-code-not-a-hash"), "a code given in clear must not be echoed: " + e.getMessage());
  }

  @Test
  void aNameMayNotBeGivenTwice() {
    String h = hex("c");
    ConfigException e = assertThrows(ConfigException.class, () -> AccessCodes.parse("fca:" + h + ",fca:" + h));
    assertTrue(e.getMessage().contains("twice"), e.getMessage());
  }
}
