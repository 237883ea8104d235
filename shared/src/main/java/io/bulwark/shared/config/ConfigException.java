package io.bulwark.shared.config;

/** A configuration value is missing or invalid; the message is one line naming the key and the problem. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String key, String problem) {
    super(("invalid configuration: " + key + " " + problem).replaceAll("\\s*[\\r\\n]+\\s*", " ").strip());
  }
}
