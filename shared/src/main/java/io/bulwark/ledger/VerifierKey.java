package io.bulwark.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A C2SP signed-note Ed25519 verifier key, {@code <name>+<8 hex key id>+<base64(0x01 || 32-byte public key)>}, where
 * the key id is the first 4 bytes of {@code SHA-256(name || 0x0A || 0x01 || public key)}.
 */
public record VerifierKey(String name, byte[] keyId, byte[] publicKey) {
  static final byte ALG_ED25519 = 0x01;

  public VerifierKey {
    if (!validName(name)) {
      throw new IllegalArgumentException("a key name is non-empty, without '+', spaces or control characters");
    }
    if (publicKey == null || publicKey.length != Ed25519.KEY_BYTES) {
      throw new IllegalArgumentException("an Ed25519 public key has 32 bytes");
    }
    if (keyId == null || keyId.length != 4) {
      throw new IllegalArgumentException("a key id has 4 bytes");
    }
    keyId = keyId.clone();
    publicKey = publicKey.clone();
  }

  /** The key for {@code name} and a raw public key, its key id computed. */
  public static VerifierKey of(String name, byte[] publicKey) {
    if (!validName(name)) {
      throw new IllegalArgumentException("a key name is non-empty, without '+', spaces or control characters");
    }
    return new VerifierKey(name, keyId(name, publicKey), publicKey);
  }

  /** Parses a vkey string and checks that its key id matches its name and key. */
  public static VerifierKey parse(String vkey) throws NoteException {
    if (vkey == null) {
      throw malformed("no verifier key");
    }
    // the base64 key may itself contain '+'; the name and key id never do
    String[] parts = vkey.trim().split("\\+", 3);
    if (parts.length != 3 || !validName(parts[0])) {
      throw malformed("a verifier key is <name>+<key id>+<base64 key>");
    }
    if (!parts[1].matches("[0-9a-fA-F]{8}")) {
      throw malformed("the key id of '" + parts[0] + "' is not 8 hex digits");
    }
    byte[] data;
    try {
      data = Base64.getDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw malformed("the key of '" + parts[0] + "' is not base64");
    }
    if (data.length != 1 + Ed25519.KEY_BYTES || data[0] != ALG_ED25519) {
      throw malformed("the key of '" + parts[0] + "' is not an Ed25519 key (0x01 and 32 bytes)");
    }
    byte[] pub = Arrays.copyOfRange(data, 1, data.length);
    byte[] id = HexFormat.of().parseHex(parts[1].toLowerCase(java.util.Locale.ROOT));
    if (!Arrays.equals(id, keyId(parts[0], pub))) {
      throw malformed("the key id of '" + parts[0] + "' does not match its name and key");
    }
    return new VerifierKey(parts[0], id, pub);
  }

  /** The vkey string. */
  public String encode() {
    byte[] data = new byte[1 + Ed25519.KEY_BYTES];
    data[0] = ALG_ED25519;
    System.arraycopy(publicKey, 0, data, 1, Ed25519.KEY_BYTES);
    return name + "+" + HexFormat.of().formatHex(keyId) + "+" + Base64.getEncoder().encodeToString(data);
  }

  /** Whether {@code signature} is this key's Ed25519 signature of {@code message}. */
  public boolean verify(byte[] message, byte[] signature) {
    return Ed25519.verify(publicKey, message, signature);
  }

  @Override
  public byte[] keyId() {
    return keyId.clone();
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** Whether a signature line naming {@code name} with key hash {@code id} refers to this key. */
  boolean matches(String lineName, byte[] id, int off) {
    return name.equals(lineName) && Arrays.equals(keyId, 0, 4, id, off, off + 4);
  }

  static byte[] keyId(String name, byte[] publicKey) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(name.getBytes(StandardCharsets.UTF_8));
      d.update((byte) 0x0A);
      d.update(ALG_ED25519);
      d.update(publicKey);
      return Arrays.copyOf(d.digest(), 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  static boolean validName(String name) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    return name.codePoints().noneMatch(c -> c == '+' || Character.isWhitespace(c) || Character.isISOControl(c));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerifierKey k && name.equals(k.name) && Arrays.equals(keyId, k.keyId)
        && Arrays.equals(publicKey, k.publicKey);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(publicKey);
  }

  @Override
  public String toString() {
    return encode();
  }

  private static NoteException malformed(String message) {
    return new NoteException(NoteException.MALFORMED_KEY, message);
  }
}
