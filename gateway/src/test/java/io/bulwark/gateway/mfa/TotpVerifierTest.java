package io.bulwark.gateway.mfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.gateway.mfa.TotpVerifier.Outcome;
import io.bulwark.shared.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TotpVerifierTest {
  /** RFC 6238 appendix B's SHA-1 seed, and its base32 form as an enrolment carries it. */
  static final String RFC_SEED = "12345678901234567890";
  static final String RFC_SEED_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
  private static final String FP = "0123456789ab";

  /** RFC 6238 appendix B, SHA-1 rows: time, step (T), 8-digit TOTP. */
  @ParameterizedTest
  @CsvSource({"59, 1, 94287082", "1111111109, 37037036, 07081804", "1111111111, 37037037, 14050471",
      "1234567890, 41152263, 89005924", "2000000000, 66666666, 69279037", "20000000000, 666666666, 65353130"})
  void matchesTheRfc6238Sha1Vectors(long time, long step, String code) {
    assertEquals(step, time / TotpVerifier.PERIOD_SECONDS);
    assertEquals(code, TotpVerifier.hotp(RFC_SEED.getBytes(StandardCharsets.US_ASCII), step, 8));
  }

  @Test
  void theEnrolledBase32SecretDecodesToTheSeed() {
    MfaOperators ops = MfaOperators.parse(" alice:" + FP.toUpperCase() + ":" + RFC_SEED_BASE32.toLowerCase() + " ");
    assertTrue(ops.byFingerprint(FP).isPresent());
    assertEquals(RFC_SEED, new String(ops.byFingerprint(FP).get().secret(), StandardCharsets.US_ASCII));
    assertFalse(ops.byFingerprint(FP).get().toString().contains(RFC_SEED_BASE32), "a record's toString must not show the secret");
  }

  @Test
  void acceptsTheStepBeforeAndAfterButNotTwoAwayAndEachCodeOnlyOnce() {
    AtomicLong now = new AtomicLong(1_234_567_890_000L);
    TotpVerifier v = verifier(now);
    long step = now.get() / 1000 / 30;
    assertEquals(Outcome.WRONG, v.verify(FP, code(step - 2)).outcome());
    assertEquals(Outcome.WRONG, v.verify(FP, code(step + 2)).outcome());
    assertEquals(Outcome.ACCEPTED, v.verify(FP, code(step - 1)).outcome());
    assertEquals("alice", v.verify(FP, code(step)).operator());
    assertEquals(Outcome.REPLAYED, v.verify(FP, code(step)).outcome(), "the same code twice");
    assertEquals(Outcome.REPLAYED, v.verify(FP, code(step - 1)).outcome(), "an older code after a newer one");
    assertEquals(Outcome.ACCEPTED, v.verify(FP, code(step + 1)).outcome(), "a clock a step ahead");
    now.addAndGet(60_000);
    assertEquals(Outcome.ACCEPTED, v.verify(FP, code(step + 2)).outcome(), "the next step once the clock moved on");
  }

  @Test
  void refusesMissingMalformedAndUnenrolled() {
    TotpVerifier v = verifier(new AtomicLong(59_000));
    assertEquals(Outcome.MISSING, v.verify(FP, null).outcome());
    assertEquals(Outcome.MISSING, v.verify(FP, "").outcome());
    for (String bad : new String[] {"12345", "1234567", "12a456", " 123456", "１２３４５６"}) {
      assertEquals(Outcome.MALFORMED, v.verify(FP, bad).outcome(), bad);
    }
    assertEquals(Outcome.NOT_ENROLLED, v.verify("ffffffffffff", code(1)).outcome());
    assertEquals(Outcome.NOT_ENROLLED, v.verify(null, code(1)).outcome());
  }

  @Test
  void badEnrolmentsAreRefusedWithoutShowingTheSecret() {
    for (String bad : new String[] {"alice:" + FP, "al ice:" + FP + ":" + RFC_SEED_BASE32, "alice:xyz:" + RFC_SEED_BASE32,
        "alice:" + FP + ":SHORT", "alice:" + FP + ":" + RFC_SEED_BASE32 + "1",
        "alice:" + FP + ":" + RFC_SEED_BASE32 + ",bob:" + FP + ":" + RFC_SEED_BASE32,
        "alice:" + FP + ":" + RFC_SEED_BASE32 + ",alice:0123456789ac:" + RFC_SEED_BASE32}) {
      ConfigException e = assertThrows(ConfigException.class, () -> MfaOperators.parse(bad), bad);
      assertTrue(e.getMessage().contains(MfaOperators.SETTING), e.getMessage());
      assertFalse(e.getMessage().contains(RFC_SEED_BASE32), e.getMessage());
    }
    assertEquals(0, MfaOperators.parse("").size());
    assertEquals(2, MfaOperators.parse("alice:" + FP + ":" + RFC_SEED_BASE32 + ", bob:0123456789ac:JBSWY3DPEHPK3PXP").size());
  }

  private static TotpVerifier verifier(AtomicLong millis) {
    Clock clock = new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
      }
    };
    return new TotpVerifier(MfaOperators.parse("alice:" + FP + ":" + RFC_SEED_BASE32), clock);
  }

  private static String code(long step) {
    return TotpVerifier.hotp(RFC_SEED.getBytes(StandardCharsets.US_ASCII), step, 6);
  }
}
