package io.bulwark.backup.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** The AES-256 key that encrypts backup files, named by a key id that is safe to print and store. */
public record BackupKey(String keyId, SecretKey key) {
  /** Key length in bytes: AES-256. */
  public static final int KEY_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  public BackupKey {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(key, "key");
    byte[] encoded = key.getEncoded();
    try {
      if (!"AES".equalsIgnoreCase(key.getAlgorithm()) || encoded == null || encoded.length != KEY_BYTES) {
        throw new IllegalArgumentException("a backup key must be a 32-byte AES key");
      }
    } finally {
      if (encoded != null) {
        Arrays.fill(encoded, (byte) 0);
      }
    }
  }

  /**
   * Reads a key from standard or URL-safe base64 (padding optional, surrounding whitespace ignored) of exactly 32
   * bytes. Error messages describe the problem, never the text that was passed in.
   */
  public static BackupKey parse(String base64) {
    if (base64 == null || base64.isBlank()) {
      throw new IllegalArgumentException("backup key is empty: expected base64 of 32 random bytes");
    }
    String text = base64.strip();
    // the URL-safe alphabet differs only in these two characters, so their presence decides the decoder
    boolean urlSafe = text.indexOf('-') >= 0 || text.indexOf('_') >= 0;
    byte[] bytes;
    try {
      bytes = (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(text);
    } catch (IllegalArgumentException e) {
      // the decoder's own message quotes the offending character, which is key material: drop it
      throw new IllegalArgumentException("backup key is not valid base64: expected base64 of 32 random bytes");
    }
    try {
      if (bytes.length != KEY_BYTES) {
        throw new IllegalArgumentException(
            "backup key must be exactly 32 bytes (AES-256) but decodes to " + bytes.length + " bytes");
      }
      return fromBytes(bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** A fresh random key, for tests and for the tool that helps operators make one. */
  public static BackupKey generate() {
    byte[] bytes = new byte[KEY_BYTES];
    RANDOM.nextBytes(bytes);
    try {
      return fromBytes(bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** The key in standard base64 with padding, the form {@link #parse} reads back. */
  public String encoded() {
    byte[] bytes = key.getEncoded();
    try {
      return Base64.getEncoder().encodeToString(bytes);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private static BackupKey fromBytes(byte[] bytes) {
    return new BackupKey(idOf(bytes), new SecretKeySpec(bytes, "AES"));
  }

  private static String idOf(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "k-" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /** Whether the key id is well-formed text to put in a file header (at most 255 UTF-8 bytes). */
  static boolean validId(String keyId) {
    int length = keyId.getBytes(StandardCharsets.UTF_8).length;
    return length > 0 && length <= 255;
  }

  @Override
  public String toString() {
    // the record's generated toString would print the SecretKeySpec; only the id is ever shown
    return "BackupKey[" + keyId + "]";
  }
}
