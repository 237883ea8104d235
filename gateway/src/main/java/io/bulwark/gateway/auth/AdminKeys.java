package io.bulwark.gateway.auth;

import io.bulwark.gateway.store.AdminKeyStore;
import io.bulwark.shared.config.ConfigException;
import io.bulwark.shared.config.ServiceConfig;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The admin keys the gateway accepts, held only as SHA-256 hashes. {@code BULWARK_ADMIN_KEYS} lists them (the first is
 * current, the rest still accepted during a rotation); on a development machine without any, one is generated, shown
 * once, and only its hash is stored.
 */
public final class AdminKeys {
  /** Prefix of generated keys: lets secret scanners and the log masker recognise them. */
  public static final String PREFIX = "bwk_admin_";
  private static final SecureRandom RANDOM = new SecureRandom();
  private final List<byte[]> hashes;

  private AdminKeys(List<byte[]> hashes) {
    this.hashes = List.copyOf(hashes);
  }

  /** A key and what the operator must be told about it, if it was generated now. */
  public record Loaded(AdminKeys keys, Optional<String> generatedKey) {}

  /**
   * The keys to accept, each one's first sighting recorded (a configured key has no other record of its age, which
   * the compliance report states).
   */
  public static Future<Loaded> load(ServiceConfig config, AdminKeyStore store) {
    return choose(config, store).compose(l -> store.sighted(l.keys().fingerprints()).map(l));
  }

  /** Which keys to accept (no sighting recorded). */
  public static Future<Loaded> choose(ServiceConfig config, AdminKeyStore store) {
    List<byte[]> configured = new ArrayList<>();
    String raw = config.string("BULWARK_ADMIN_KEYS", null);
    if (raw != null) {
      for (String k : raw.split(",")) {
        String key = k.trim();
        if (key.isEmpty()) {
          continue;
        }
        if (key.length() < 24) {
          return Future.failedFuture(new ConfigException("BULWARK_ADMIN_KEYS", "entries must be at least 24 characters long"));
        }
        configured.add(hash(key));
      }
    }
    if (!configured.isEmpty()) {
      return Future.succeededFuture(new Loaded(new AdminKeys(configured), Optional.empty()));
    }
    if (config.production()) {
      return Future.failedFuture(new ConfigException("BULWARK_ADMIN_KEYS", "is required when BULWARK_ENV=production"));
    }
    return store.activeHashes().compose(stored -> {
      if (!stored.isEmpty()) {
        return Future.succeededFuture(new Loaded(new AdminKeys(stored), Optional.empty()));
      }
      String key = generate();
      byte[] h = hash(key);
      return store.insertGenerated(fingerprint(h), h).map(x -> new Loaded(new AdminKeys(List.of(h)), Optional.of(key)));
    });
  }

  /** Fingerprints of the accepted keys, the current one first. */
  public List<String> fingerprints() {
    return hashes.stream().map(AdminKeys::fingerprint).toList();
  }

  /** The fingerprint of a matching key (for attribution), or empty. Compares in constant time per key. */
  public Optional<String> match(String presented) {
    if (presented == null || presented.isEmpty()) {
      return Optional.empty();
    }
    return matchHash(hash(presented));
  }

  /** {@link #match} for a credential already hashed with {@link #hash}. */
  public Optional<String> matchHash(byte[] h) {
    byte[] found = null;
    for (byte[] candidate : hashes) {
      if (MessageDigest.isEqual(candidate, h)) {
        found = candidate;
      }
    }
    return found == null ? Optional.empty() : Optional.of(fingerprint(found));
  }

  public static String generate() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public static byte[] hash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** First 12 hex characters of the key's hash: names the key in logs and the ledger without revealing it. */
  public static String fingerprint(byte[] hash) {
    return HexFormat.of().formatHex(hash, 0, 6);
  }
}
