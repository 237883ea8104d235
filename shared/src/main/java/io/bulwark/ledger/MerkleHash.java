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

  /** The hash of the empty tree (RFC 6962: SHA-256 of the empty string). */
  public static byte[] emptyRoot() {
    return sha256().digest();
  }

  /** A reusable hasher for hot loops; one {@link MessageDigest} per instance, so it is not thread-safe. */
  public static Hasher hasher() {
    return new Hasher();
  }

  public static String hex(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(bytes);
  }

  /** Leaf and node hashing over one reused digest; the {@code ...Into} forms write into a caller's buffer. */
  public static final class Hasher {
    private final MessageDigest d = sha256();

    private Hasher() {}

    public byte[] leaf(byte[] entry) {
      return leaf(entry, 0, entry.length);
    }

    public byte[] leaf(byte[] entry, int off, int len) {
      d.update((byte) 0x00);
      d.update(entry, off, len);
      return d.digest();
    }

    public byte[] node(byte[] left, byte[] right) {
      d.update((byte) 0x01);
      d.update(left);
      d.update(right);
      return d.digest();
    }

    /** Writes the node hash of the 32-byte hashes at {@code left[lo..]} and {@code right[ro..]} into {@code out[oo..]}. */
    public void nodeInto(byte[] left, int lo, byte[] right, int ro, byte[] out, int oo) {
      d.update((byte) 0x01);
      d.update(left, lo, 32);
      d.update(right, ro, 32);
      digestInto(out, oo);
    }

    /** Writes the leaf hash of {@code entry[off..off+len)} into {@code out[oo..]}. */
    public void leafInto(byte[] entry, int off, int len, byte[] out, int oo) {
      d.update((byte) 0x00);
      d.update(entry, off, len);
      digestInto(out, oo);
    }

    private void digestInto(byte[] out, int oo) {
      try {
        d.digest(out, oo, 32);
      } catch (java.security.DigestException e) {
        throw new IllegalArgumentException("no room for a hash at " + oo, e);
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
