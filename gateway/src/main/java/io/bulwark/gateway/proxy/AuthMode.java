package io.bulwark.gateway.proxy;

import java.util.Optional;

/** How a proxied route's callers must prove who they are; {@link #wireName()} is the spelling in the routes file. */
public enum AuthMode {
  API_KEY("api-key"), JWT("jwt"), ADMIN("admin"), NONE("none");

  private final String wireName;

  AuthMode(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The mode spelled {@code name} in a routes file, if there is one. */
  public static Optional<AuthMode> fromWireName(String name) {
    for (AuthMode m : values()) {
      if (m.wireName.equals(name)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
