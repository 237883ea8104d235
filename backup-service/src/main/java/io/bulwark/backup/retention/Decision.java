package io.bulwark.backup.retention;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a retention plan keeps and deletes. {@code keep} maps each kept backup id (newest first) to every reason it is
 * kept, such as {@code "last 1"}, {@code "daily 2026-11-20"}, {@code "weekly 2026-W47"}, {@code "monthly 2026-11"},
 * {@code "newest verified"} or {@code "no newer verified backup"}; {@code delete} lists the other ids, oldest first.
 */
public record Decision(Map<String, List<String>> keep, List<String> delete) {
  public Decision {
    Objects.requireNonNull(keep, "keep");
    Objects.requireNonNull(delete, "delete");
    Map<String, List<String>> copy = new LinkedHashMap<>();
    keep.forEach((id, reasons) -> copy.put(id, List.copyOf(reasons)));
    keep = Collections.unmodifiableMap(copy);
    delete = List.copyOf(delete);
  }

  /** Whether the plan keeps this id. */
  public boolean keeps(String id) {
    return keep.containsKey(id);
  }
}
