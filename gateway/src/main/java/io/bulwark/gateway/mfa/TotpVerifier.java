package io.bulwark.gateway.mfa;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks time-based one-time codes (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits — what authenticator apps use) for the
 * enrolled operators. A code of the step before or after the current one is accepted (clock skew), and each
 * operator's last accepted step is remembered so that a code, or any older one, cannot be used again. vertx-auth-otp's
 * own {@code TotpAuth} checks only the current step and keeps no such memory, so the check is done here; the library
 * still decodes the enrolled secrets and builds the enrolment URIs.
 */
public final class TotpVerifier {
  public static final int PERIOD_SECONDS = 30;
  public static final int DIGITS = 6;
  /** Steps accepted on either side of the current one. */
  public static final int SKEW_STEPS = 1;
  private static final Pattern CODE = Pattern.compile("[0-9]{" + DIGITS + "}");
  private final MfaOperators operators;
  private final Clock clock;
  /**
   * Per admin-key fingerprint, the last step a code was accepted for at this instance: a replay here is refused without
   * a query; {@link UsedSteps} refuses it across instances.
   */
  private final Map<String, Long> lastAccepted = new ConcurrentHashMap<>();

  /** Why a code was or was not accepted. */
  public enum Outcome {
    ACCEPTED("accepted"), MISSING("missing"), NOT_ENROLLED("not_enrolled"), MALFORMED("malformed"), WRONG("wrong"),
    REPLAYED("replayed");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    /** The reason in ledger entries. */
    public String label() {
      return label;
    }
  }

  /**
   * The outcome and, when the key is enrolled, the operator's name; for an accepted code, the time step it was for
   * (to be used up at every gateway, see {@link UsedSteps}).
   */
  public record Check(Outcome outcome, String operator, long step) {
    Check(Outcome outcome, String operator) {
      this(outcome, operator, -1);
    }

    /** The same code, found already used at another gateway. */
    public Check replayed() {
      return new Check(Outcome.REPLAYED, operator, step);
    }
  }

  public TotpVerifier(MfaOperators operators, Clock clock) {
    this.operators = operators;
    this.clock = clock;
  }

  /** Checks {@code code} for the operator holding the admin key {@code fingerprint}; accepting a code uses it up. */
  public Check verify(String fingerprint, String code) {
    if (code == null || code.isEmpty()) {
      return new Check(Outcome.MISSING, operators.byFingerprint(fingerprint).map(MfaOperators.Operator::name).orElse(null));
    }
    var enrolled = operators.byFingerprint(fingerprint);
    if (enrolled.isEmpty()) {
      return new Check(Outcome.NOT_ENROLLED, null);
    }
    MfaOperators.Operator op = enrolled.get();
    if (!CODE.matcher(code).matches()) {
      return new Check(Outcome.MALFORMED, op.name());
    }
    long now = Math.floorDiv(clock.millis() / 1000, PERIOD_SECONDS);
    byte[] presented = code.getBytes(StandardCharsets.US_ASCII);
    long matched = Long.MIN_VALUE;
    // every step in the window is computed and compared, so the time taken does not say which one matched
    for (long step = now - SKEW_STEPS; step <= now + SKEW_STEPS; step++) {
      boolean same = MessageDigest.isEqual(presented, hotp(op.secret(), step, DIGITS).getBytes(StandardCharsets.US_ASCII));
      if (same && matched == Long.MIN_VALUE) {
        matched = step;
      }
    }
    if (matched == Long.MIN_VALUE) {
      return new Check(Outcome.WRONG, op.name());
    }
    long step = matched;
    boolean[] fresh = new boolean[1];
    lastAccepted.compute(op.fingerprint(), (fp, last) -> {
      fresh[0] = last == null || step > last;
      return fresh[0] ? step : last;
    });
    return new Check(fresh[0] ? Outcome.ACCEPTED : Outcome.REPLAYED, op.name(), step);
  }

  /** RFC 4226 HOTP with HMAC-SHA1: the code for counter {@code step}, zero-padded to {@code digits}. */
  public static String hotp(byte[] key, long step, int digits) {
    byte[] hash;
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      byte[] counter = new byte[8];
      for (int i = 7; i >= 0; i--) {
        counter[i] = (byte) (step >>> (8 * (7 - i)));
      }
      hash = mac.doFinal(counter);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is not available", e);
    }
    int offset = hash[hash.length - 1] & 0x0f;
    int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16) | ((hash[offset + 2] & 0xff) << 8)
        | (hash[offset + 3] & 0xff);
    int mod = 1;
    for (int i = 0; i < digits; i++) {
      mod *= 10;
    }
    StringBuilder out = new StringBuilder(Integer.toString(binary % mod));
    while (out.length() < digits) {
      out.insert(0, '0');
    }
    return out.toString();
  }
}
