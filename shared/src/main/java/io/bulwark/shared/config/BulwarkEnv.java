package io.bulwark.shared.config;

import java.util.Locale;

/** Deployment environment; production refuses to start without its secrets. */
public enum BulwarkEnv {
  DEVELOPMENT, TEST, PRODUCTION;

  static BulwarkEnv parse(String raw) {
    try {
      return valueOf(raw.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("BULWARK_ENV", "must be one of development, test, production (got '" + raw + "')");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
