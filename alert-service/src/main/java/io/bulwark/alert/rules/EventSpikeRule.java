package io.bulwark.alert.rules;

import io.bulwark.alert.signal.EventCounter;
import io.bulwark.alert.signal.EventWatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** At least {@code count} matching bus events within the window, per value of the {@code group_by} field. */
public record EventSpikeRule(RuleMeta meta, EventWatch watch, int count, Duration window, String windowText)
    implements Rule {

  @Override
  public List<EventWatch> watches() {
    return List.of(watch);
  }

  @Override
  public List<Firing> evaluate(Signals signals, Instant now) {
    List<Firing> out = new ArrayList<>();
    signals.events().counts(watch.id(), window, now).forEach((group, n) -> {
      if (n >= count) {
        out.add(meta.firing(groupLabels(watch, group), null, n, watch.source() + " events matching " + watch.match()
            + (watch.groupBy() == null ? "" : " for " + watch.groupBy() + "=" + group) + " in " + windowText + " = " + n
            + " >= " + count, windowText));
      }
    });
    return out;
  }

  static Map<String, String> groupLabels(EventWatch watch, String group) {
    Map<String, String> labels = new HashMap<>();
    if (watch.groupBy() != null && !EventCounter.NO_GROUP.equals(group)) {
      labels.put(watch.groupBy(), group);
    }
    return labels;
  }
}
