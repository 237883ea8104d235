package io.bulwark.alert.lifecycle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An alert's identity: SHA-256 over its labels in name order, each name and value length-prefixed so that no two label
 * sets share an encoding. Two evaluations (or two Prometheus sends) of the same condition meet on the same fingerprint.
 */
public final class Fingerprints {
  private Fingerprints() {}

  public static String of(Map<String, String> labels) {
    SortedMap<String, String> sorted = labels instanceof SortedMap<String, String> s && s.comparator() == null
        ? s : new TreeMap<>(labels);
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    sorted.forEach((name, value) -> {
      update(sha, name);
      update(sha, value);
    });
    byte[] digest = sha.digest();
    return HexFormat.of().formatHex(digest, 0, 16);
  }

  private static void update(MessageDigest sha, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    sha.update((byte) (bytes.length >>> 24));
    sha.update((byte) (bytes.length >>> 16));
    sha.update((byte) (bytes.length >>> 8));
    sha.update((byte) bytes.length);
    sha.update(bytes);
  }
}
