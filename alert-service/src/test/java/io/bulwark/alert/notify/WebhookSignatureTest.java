package io.bulwark.alert.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signing and verification, including a secret rotation with an overlap. */
class WebhookSignatureTest {
  private static final byte[] BODY = "{\"version\":\"4\"}".getBytes(StandardCharsets.UTF_8);
  private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
  private static final Duration TOL = WebhookSignature.TOLERANCE;

  @Test
  void knownVector() {
    // HMAC-SHA256("s3cret", "1800000000." + body), computed independently with openssl dgst -sha256 -hmac
    String header = WebhookSignature.sign(List.of("s3cret"), NOW.getEpochSecond(), BODY);
    assertEquals("t=1800000000,v1=ea2548747beadba5f390db1e22bcad6627782556138312fa64d2876fd09fa73b", header);
  }

  @Test
  void currentSecretVerifies() {
    String header = WebhookSignature.sign(List.of("current"), NOW.getEpochSecond(), BODY);
    assertTrue(WebhookSignature.verify(List.of("current"), header, BODY, NOW, TOL));
  }

  @Test
  void duringRotationBothSecretsVerify() {
    String header = WebhookSignature.sign(List.of("new", "old"), NOW.getEpochSecond(), BODY);
    assertEquals(2, header.split("v1=").length - 1);
    assertTrue(WebhookSignature.verify(List.of("old"), header, BODY, NOW, TOL), "receiver not yet rotated");
    assertTrue(WebhookSignature.verify(List.of("new"), header, BODY, NOW, TOL), "receiver already rotated");
    assertTrue(WebhookSignature.verify(List.of("new", "old"), header, BODY, NOW, TOL));
  }

  @Test
  void unknownSecretTamperedBodyStaleTimestampAndGarbageFail() {
    String header = WebhookSignature.sign(List.of("new", "old"), NOW.getEpochSecond(), BODY);
    assertFalse(WebhookSignature.verify(List.of("other"), header, BODY, NOW, TOL));
    assertFalse(WebhookSignature.verify(List.of("new"), header, "{\"version\":\"5\"}".getBytes(StandardCharsets.UTF_8), NOW, TOL));
    assertFalse(WebhookSignature.verify(List.of("new"), header, BODY, NOW.plusSeconds(301), TOL));
    assertFalse(WebhookSignature.verify(List.of("new"), header, BODY, NOW.minusSeconds(301), TOL));
    assertTrue(WebhookSignature.verify(List.of("new"), header, BODY, NOW.plusSeconds(299), TOL));
    // the timestamp is covered by the MAC: moving it forward breaks the signature
    String moved = header.replace("t=1800000000", "t=1800000100");
    assertFalse(WebhookSignature.verify(List.of("new"), moved, BODY, NOW.plusSeconds(100), TOL));
    assertFalse(WebhookSignature.verify(List.of("new"), null, BODY, NOW, TOL));
    assertFalse(WebhookSignature.verify(List.of("new"), "v1=abc", BODY, NOW, TOL));
    assertFalse(WebhookSignature.verify(List.of("new"), "t=1800000000", BODY, NOW, TOL));
    assertFalse(WebhookSignature.verify(List.of("new"), "t=x,v1=zz", BODY, NOW, TOL));
    assertFalse(WebhookSignature.verify(List.of(), header, BODY, NOW, TOL));
  }

  @Test
  void secretsListParsing() {
    assertEquals(List.of("a", "b"), WebhookSignature.secrets(" a , ,b "));
    assertEquals(List.of(), WebhookSignature.secrets(null));
  }
}
