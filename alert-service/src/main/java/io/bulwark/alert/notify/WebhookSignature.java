package io.bulwark.alert.notify;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook bodies and verifies them: header {@code X-Bulwark-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]}, each
 * {@code v1} an HMAC-SHA256 of {@code t + "." + body} under one configured secret (current first). During a rotation both
 * secrets sign, so a receiver holding either one verifies.
 *
 * <p>Receiver side: {@code WebhookSignature.verify(List.of(mySecret), header, rawBody, Instant.now(), Duration.ofMinutes(5))}
 * over the exact bytes received; deduplicate by the {@code X-Bulwark-Notification-Id} header (retries reuse it).
 */
public final class WebhookSignature {
  public static final String HEADER = "X-Bulwark-Signature";
  public static final String NOTIFICATION_ID = "X-Bulwark-Notification-Id";
  public static final Duration TOLERANCE = Duration.ofMinutes(5);

  private WebhookSignature() {}

  /** The header value for {@code body} sent at {@code timestamp}; {@code secrets} must not be empty. */
  public static String sign(List<String> secrets, long timestamp, byte[] body) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("no signing secret");
    }
    StringBuilder out = new StringBuilder("t=").append(timestamp);
    for (String s : secrets) {
      out.append(",v1=").append(HexFormat.of().formatHex(mac(s, timestamp, body)));
    }
    return out.toString();
  }

  /**
   * True when {@code header} has a timestamp within {@code tolerance} of {@code now} and at least one {@code v1} that is
   * the HMAC of the body under one of {@code secrets}. Comparison is constant-time.
   */
  public static boolean verify(List<String> secrets, String header, byte[] body, Instant now, Duration tolerance) {
    if (header == null || secrets == null || secrets.isEmpty()) {
      return false;
    }
    Long timestamp = null;
    List<byte[]> signatures = new ArrayList<>();
    for (String part : header.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        return false;
      }
      String key = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      try {
        if (key.equals("t")) {
          timestamp = Long.parseLong(value);
        } else if (key.equals("v1")) {
          signatures.add(HexFormat.of().parseHex(value));
        }
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    if (timestamp == null || signatures.isEmpty()) {
      return false;
    }
    if (Math.abs(now.getEpochSecond() - timestamp) > tolerance.toSeconds()) {
      return false;
    }
    boolean ok = false;
    for (String secret : secrets) {
      byte[] expected = mac(secret, timestamp, body);
      for (byte[] sig : signatures) {
        // no early exit: every comparison runs, so timing says nothing about which one matched
        ok |= MessageDigest.isEqual(expected, sig);
      }
    }
    return ok;
  }

  /** Parses the comma-separated secrets of a configuration value (blank entries dropped). */
  public static List<String> secrets(String configured) {
    List<String> out = new ArrayList<>();
    if (configured != null) {
      for (String s : configured.split(",")) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
    }
    return List.copyOf(out);
  }

  private static byte[] mac(String secret, long timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
