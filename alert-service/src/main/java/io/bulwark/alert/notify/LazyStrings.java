package io.bulwark.alert.notify;

import io.vertx.core.json.JsonObject;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A JSON object of strings read only when first looked at. A full planning pass reads every firing alert, but only
 * the alerts of groups that send need their annotations (for the payload): decoding every alert's annotations made
 * garbage in proportion to everything open, for nothing.
 */
final class LazyStrings extends AbstractMap<String, String> {
  private String json;
  private Map<String, String> decoded;

  LazyStrings(String json) {
    this.json = json;
  }

  @Override
  public Set<Entry<String, String>> entrySet() {
    if (decoded == null) {
      decoded = strings(json == null ? null : new JsonObject(json));
      json = null;
    }
    return decoded.entrySet();
  }

  /** Every member's value as a string (null as ""). */
  static Map<String, String> strings(Object json) {
    Map<String, String> out = new HashMap<>();
    if (json instanceof JsonObject o) {
      o.forEach(e -> out.put(e.getKey(), e.getValue() == null ? "" : String.valueOf(e.getValue())));
    }
    return out;
  }
}
