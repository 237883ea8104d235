package io.bulwark.alert.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Exponential backoff with equal jitter, and which answers are retried. */
class BackoffTest {
  private final Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 5);

  @Test
  void doublesUpToTheCapWithHalfJitter() {
    assertEquals(Duration.ofMillis(500), b.delay(1, () -> 0.0));
    assertEquals(Duration.ofMillis(1000), b.delay(1, () -> 1.0));
    assertEquals(Duration.ofMillis(4000), b.delay(3, () -> 1.0));
    assertEquals(Duration.ofMillis(2000), b.delay(3, () -> 0.0));
    assertEquals(Duration.ofSeconds(30), b.delay(10, () -> 1.0));
    assertEquals(Duration.ofSeconds(15), b.delay(60, () -> 0.0));
  }

  @Test
  void classification() {
    assertEquals(DeliveryOutcome.Result.SENT, DeliveryOutcome.ofStatus(202).result());
    assertEquals(DeliveryOutcome.Result.RETRY, DeliveryOutcome.ofStatus(503).result());
    assertEquals(DeliveryOutcome.Result.RETRY, DeliveryOutcome.ofStatus(429).result());
    assertEquals(DeliveryOutcome.Result.RETRY, DeliveryOutcome.ofStatus(408).result());
    assertEquals(DeliveryOutcome.Result.PERMANENT, DeliveryOutcome.ofStatus(400).result());
    assertEquals(DeliveryOutcome.Result.PERMANENT, DeliveryOutcome.ofStatus(404).result());
    assertEquals(DeliveryOutcome.Result.RETRY, DeliveryOutcome.ofFailure(new java.net.ConnectException("refused")).result());
  }
}
