package io.bulwark.alert.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Property: for a counter with random increments and random (visible) resets, restarting from that step's increment,
 * increase over any window equals the sum of the increments made inside it, whatever the window and however the resets
 * fall.
 */
class CounterWindowPropertyTest {

  @Test
  void increaseEqualsTheIncrementsInsideTheWindow() {
    Random r = new Random(42);
    Instant t0 = Instant.parse("2026-11-23T00:00:00Z");
    for (int round = 0; round < 50; round++) {
      SampleStore store = new SampleStore(SampleStore.Tiers.forInterval(Duration.ofSeconds(15)), 10,
          Duration.ofDays(1), null);
      store.want(Set.of("x_total"));
      int steps = 50 + r.nextInt(400);
      double[] increments = new double[steps];
      double exposed = r.nextInt(1000);
      store.ingest("t", List.of(new Sample("x_total", Map.of(), exposed)), t0);
      for (int i = 0; i < steps; i++) {
        increments[i] = r.nextInt(50);
        // a restart now and then; like Prometheus, a restart is only seen when the value drops, so the generator
        // restarts only when the new value is below the old one
        boolean restart = r.nextInt(30) == 0 && increments[i] < exposed;
        exposed = restart ? increments[i] : exposed + increments[i];
        store.ingest("t", List.of(new Sample("x_total", Map.of(), exposed)), t0.plusSeconds(15L * (i + 1)));
      }
      Series s = store.select(Selector.parse("x_total")).get(0);
      Instant end = t0.plusSeconds(15L * steps);
      for (int k = 0; k < 20; k++) {
        int windowSteps = 1 + r.nextInt(steps);
        double expected = 0;
        for (int i = steps - windowSteps; i < steps; i++) {
          expected += increments[i];
        }
        assertEquals(expected, s.increase(Duration.ofSeconds(15L * windowSteps), end).orElseThrow(), 1e-6,
            "round " + round + " window " + windowSteps);
      }
    }
  }
}
