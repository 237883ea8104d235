package io.bulwark.alert.signal;

import java.time.Duration;
import java.util.Map;

/**
 * What one event rule wants counted: events from {@code source} whose body fields equal {@code match}, grouped by the
 * value of {@code groupBy} (null: one group), kept for {@code keep}; {@code clear} (may be null) matches events that end
 * an {@code event} rule's alert.
 */
public record EventWatch(String id, String source, Map<String, String> match, String groupBy,
                         Map<String, String> clear, Duration keep) {

  public EventWatch {
    match = Map.copyOf(match);
    clear = clear == null ? null : Map.copyOf(clear);
  }
}
