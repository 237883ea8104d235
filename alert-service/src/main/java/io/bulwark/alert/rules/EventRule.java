package io.bulwark.alert.rules;

import io.bulwark.alert.signal.EventWatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Fires on a matching bus event and stays active for {@code hold}, or until an event matching {@code clear} (in the same
 * group) arrives.
 */
public record EventRule(RuleMeta meta, EventWatch watch, Duration hold, String holdText) implements Rule {

  @Override
  public List<EventWatch> watches() {
    return List.of(watch);
  }

  @Override
  public List<Firing> evaluate(Signals signals, Instant now) {
    List<Firing> out = new ArrayList<>();
    signals.events().active(watch.id(), hold, now).forEach((group, at) -> out.add(meta.firing(
        EventSpikeRule.groupLabels(watch, group), null, at.getEpochSecond(), watch.source() + " event matching "
            + watch.match() + " at " + at + (watch.clear() == null ? "" : ", no clearing event since"), holdText)));
    return out;
  }
}
