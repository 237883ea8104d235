package io.bulwark.gateway.regulator;

import io.bulwark.gateway.auth.AdminKeys;
import io.bulwark.shared.config.ConfigException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The regulator portal's access codes, configured only as SHA-256 hashes in {@code BULWARK_REGULATOR_ACCESS_CODES}
 * ({@code name:hex,name:hex}); the name says whose code it is in the ledger. Codes themselves never reach the gateway's
 * configuration, so a leaked config file does not open the portal.
 */
public final class AccessCodes {
  public static final String SETTING = "BULWARK_REGULATOR_ACCESS_CODES";
  /** Longest access code accepted at login: anything longer is not a code we issued. */
  public static final int MAX_CODE_LENGTH = 256;
  private final List<Code> codes;

  private record Code(String name, byte[] hash) {}

  private AccessCodes(List<Code> codes) {
    this.codes = List.copyOf(codes);
  }

  /** Parses the setting; blank means the portal is disabled. */
  public static AccessCodes parse(String raw) {
    List<Code> out = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    if (raw != null) {
      for (String item : raw.split(",")) {
        String entry = item.trim();
        if (entry.isEmpty()) {
          continue;
        }
        int colon = entry.lastIndexOf(':');
        String name = colon < 0 ? "" : entry.substring(0, colon).trim();
        String hex = colon < 0 ? entry : entry.substring(colon + 1).trim();
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
          throw new ConfigException(SETTING, "each entry is <name>:<sha256 hex>, the name 1-64 of [A-Za-z0-9._-]");
        }
        if (!hex.matches("[0-9a-fA-F]{64}")) {
          throw new ConfigException(SETTING, "the code of " + name + " must be given as its SHA-256 (64 hex characters),"
              + " never the code itself");
        }
        if (!names.add(name)) {
          throw new ConfigException(SETTING, "the name " + name + " is given twice");
        }
        out.add(new Code(name, HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT))));
      }
    }
    return new AccessCodes(out);
  }

  public boolean enabled() {
    return !codes.isEmpty();
  }

  public int size() {
    return codes.size();
  }

  /** The name of the code presented, or empty. Every configured code is compared, in constant time each. */
  public Optional<String> match(String presented) {
    if (presented == null || presented.isEmpty() || presented.length() > MAX_CODE_LENGTH) {
      return Optional.empty();
    }
    byte[] h = AdminKeys.hash(presented);
    String found = null;
    for (Code c : codes) {
      if (MessageDigest.isEqual(c.hash(), h)) {
        found = c.name();
      }
    }
    return Optional.ofNullable(found);
  }
}
