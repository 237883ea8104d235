package io.bulwark.alert.rules;

import io.bulwark.alert.signal.ReadinessHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Readiness flapping: a target whose /ready went from ready to not ready at least {@code failures} times within the
 * window (a target down throughout counts once: that is {@code up}/{@code bulwark_target_ready}'s business).
 */
public record FlapRule(RuleMeta meta, int failures, Duration window, String windowText, Pattern instances)
    implements Rule {

  @Override
  public List<Firing> evaluate(Signals signals, Instant now) {
    List<Firing> out = new ArrayList<>();
    for (Map.Entry<String, ReadinessHistory> e : signals.readiness().entrySet()) {
      if (instances != null && !instances.matcher(e.getKey()).matches()) {
        continue;
      }
      int n = e.getValue().failuresWithin(window, now);
      if (n >= failures) {
        out.add(meta.firing(Map.of("instance", e.getKey()), null, n, "readiness failures of " + e.getKey() + " in "
            + windowText + " = " + n + " >= " + failures, windowText));
      }
    }
    return out;
  }
}
