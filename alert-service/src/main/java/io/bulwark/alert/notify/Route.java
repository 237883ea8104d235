package io.bulwark.alert.notify;

import io.bulwark.alert.lifecycle.LabelMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A node of the routing tree. Children inherit receiver, group_by and timings they do not set (resolved when the file is
 * read, so every node here is complete). {@code id} is the node's path ({@code 0}, {@code 0.1}, ...), stable while the file
 * is unchanged; group keys are built from it.
 *
 * @param groupBy labels that split alerts into groups; {@code ["..."]} groups by all labels (one group per alert)
 */
public record Route(String id, String receiver, List<LabelMatcher> matchers, boolean continueMatching, List<String> groupBy,
                    Duration groupWait, Duration groupInterval, Duration repeatInterval, List<Route> routes) {

  /** Where an alert goes: one per matching leaf (several with {@code continue}); the root alone when no child matches. */
  public List<Route> match(Map<String, String> labels) {
    List<Route> out = new ArrayList<>();
    collect(labels, out);
    return out;
  }

  private boolean collect(Map<String, String> labels, List<Route> out) {
    for (LabelMatcher m : matchers) {
      if (!m.matches(labels)) {
        return false;
      }
    }
    boolean child = false;
    for (Route r : routes) {
      if (r.collect(labels, out)) {
        child = true;
        if (!r.continueMatching) {
          break;
        }
      }
    }
    if (!child) {
      out.add(this);
    }
    return true;
  }

  public boolean groupsByAll() {
    return groupBy.size() == 1 && "...".equals(groupBy.get(0));
  }
}
