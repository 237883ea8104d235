package io.bulwark.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** RFC 6962 hashing: leaves are {@code SHA-256(0x00 || data)}, interior nodes {@code SHA-256(0x01 || left || right)}. */
public final class MerkleHash {
  private MerkleHash() {}

  public static byte[] leafHash(byte[] entry) {
    MessageDigest d = sha256();
    d.update((byte) 0x00);
    d.update(entry);
    return d.digest();
  }

  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest d = sha256();
    d.update((byte) 0x01);
    d.update(left);
    d.update(right);
    return d.digest();
  }

  public static String hex(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
