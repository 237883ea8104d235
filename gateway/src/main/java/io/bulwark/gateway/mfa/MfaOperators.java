package io.bulwark.gateway.mfa;

import io.bulwark.shared.config.ConfigException;
import io.vertx.ext.auth.otp.OtpKey;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The operators enrolled for a second factor, from {@code BULWARK_MFA_TOTP}: comma-separated
 * {@code <operator>:<admin-key-fingerprint>:<base32 secret>} entries, as {@code bulwark mfa enroll} prints them. An
 * operator is whoever holds the admin key with that fingerprint (the ledger already attributes admin actions to it);
 * the TOTP secret proves the same person is at the keyboard now. Secrets never appear in errors or logs.
 */
public final class MfaOperators {
  public static final String SETTING = "BULWARK_MFA_TOTP";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{12}");
  /** 80 bits at least (RFC 4226 §4 asks for 128, and {@code mfa enroll} makes 160); at most 512 bits. */
  private static final Pattern BASE32 = Pattern.compile("[A-Z2-7]{16,104}");
  private final Map<String, Operator> byFingerprint;

  /** One enrolled operator: the name for the ledger, the admin key it is bound to, and the decoded secret. */
  public record Operator(String name, String fingerprint, byte[] secret) {
    @Override
    public String toString() {
      // records print their fields: keep the secret out of any accidental log line or assertion message
      return "Operator[" + name + ", " + fingerprint + "]";
    }
  }

  private MfaOperators(Map<String, Operator> byFingerprint) {
    this.byFingerprint = Map.copyOf(byFingerprint);
  }

  /** Parses the setting; an empty one enrols nobody (every resolve is then refused with {@code mfa.invalid}). */
  public static MfaOperators parse(String raw) {
    Map<String, Operator> out = new HashMap<>();
    Map<String, String> names = new HashMap<>();
    if (raw == null || raw.isBlank()) {
      return new MfaOperators(out);
    }
    String[] entries = raw.split(",");
    for (int i = 0; i < entries.length; i++) {
      String entry = entries[i].trim();
      if (entry.isEmpty()) {
        continue;
      }
      String[] parts = entry.split(":", -1);
      String where = "entry " + (i + 1);
      if (parts.length != 3) {
        throw new ConfigException(SETTING, where + " must be <operator>:<admin-key-fingerprint>:<base32 secret>");
      }
      String name = parts[0].trim();
      String fp = parts[1].trim().toLowerCase(Locale.ROOT);
      String secret = parts[2].trim().toUpperCase(Locale.ROOT).replace("=", "");
      if (!NAME.matcher(name).matches()) {
        throw new ConfigException(SETTING, where + ": the operator name must be 1-64 of letters, digits, '.', '_' and '-'");
      }
      if (!FINGERPRINT.matcher(fp).matches()) {
        throw new ConfigException(SETTING, where + " (" + name + "): the admin key fingerprint must be 12 hex characters");
      }
      if (!BASE32.matcher(secret).matches()) {
        throw new ConfigException(SETTING, where + " (" + name + "): the secret must be base32 (A-Z, 2-7) of 16-104 characters");
      }
      if (out.containsKey(fp)) {
        throw new ConfigException(SETTING, where + " (" + name + "): admin key " + fp + " is enrolled twice");
      }
      if (names.containsKey(name)) {
        throw new ConfigException(SETTING, where + ": operator " + name + " is enrolled twice");
      }
      names.put(name, fp);
      out.put(fp, new Operator(name, fp, new OtpKey().setKey(secret).getKeyBytes()));
    }
    return new MfaOperators(out);
  }

  /** The operator bound to the admin key with this fingerprint, if enrolled. */
  public Optional<Operator> byFingerprint(String fingerprint) {
    return Optional.ofNullable(fingerprint == null ? null : byFingerprint.get(fingerprint));
  }

  /** Names of enrolled operators whose admin key is not among {@code accepted}: they cannot resolve anything. */
  public java.util.List<String> strays(java.util.Collection<String> accepted) {
    return byFingerprint.values().stream().filter(o -> !accepted.contains(o.fingerprint())).map(Operator::name).sorted().toList();
  }

  public int size() {
    return byFingerprint.size();
  }
}
