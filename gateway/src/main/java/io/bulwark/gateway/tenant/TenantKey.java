package io.bulwark.gateway.tenant;

import io.bulwark.gateway.auth.AdminKeys;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The shape of a tenant API key: {@code bwt_<12 id chars>_<43 secret chars>}. The id part is public (it names the key
 * in lists, logs and the ledger as {@code k_<id>}); only a SHA-256 hash of the whole key is stored.
 */
public final class TenantKey {
  /** Prefix of tenant keys: secret scanners and the log masker recognise them. */
  public static final String PREFIX = "bwt_";
  private static final Pattern SHAPE = Pattern.compile("bwt_([a-z0-9]{12})_[A-Za-z0-9_-]{43}");
  private static final char[] ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private TenantKey() {}

  /** A fresh key and its id. */
  public record Issued(String keyId, String secret, byte[] hash) {}

  public static Issued generate() {
    StringBuilder id = new StringBuilder(12);
    for (int i = 0; i < 12; i++) {
      id.append(ID_CHARS[RANDOM.nextInt(ID_CHARS.length)]);
    }
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String key = PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return new Issued("k_" + id, key, AdminKeys.hash(key));
  }

  /**
   * The public part a presented credential claims to be ({@code k_<id>}), used to count failures per key: null when
   * the credential does not have a tenant key's shape (then nothing of it may be logged).
   */
  public static String claimedId(String presented) {
    // cheap checks first: this runs for every credential presented
    if (presented == null || presented.length() != 60 || !presented.startsWith(PREFIX)) {
      return null;
    }
    var m = SHAPE.matcher(presented);
    return m.matches() ? "k_" + m.group(1) : null;
  }
}
