package io.bulwark.shared.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every configuration failure must look like to an operator: one line that names the key. */
final class ConfigAssertions {
  private ConfigAssertions() {}

  static void assertOneLineNaming(String key, Throwable t) {
    assertTrue(t instanceof ConfigException, "expected a ConfigException, got " + t);
    String message = t.getMessage();
    assertTrue(message.contains(key), "message does not name " + key + ": " + message);
    assertFalse(message.contains("\n") || message.contains("\r"), "message is not one line: " + message);
  }
}
