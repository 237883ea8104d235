package io.bulwark.alert.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.http.ApiException;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FingerprintsTest {

  @Test
  void labelOrderDoesNotMatterButEveryNameAndValueDoes() {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("alertname", "X");
    a.put("service", "gateway");
    Map<String, String> b = new LinkedHashMap<>();
    b.put("service", "gateway");
    b.put("alertname", "X");
    assertEquals(Fingerprints.of(a), Fingerprints.of(b));
    assertEquals(32, Fingerprints.of(a).length());
    assertNotEquals(Fingerprints.of(a), Fingerprints.of(Map.of("alertname", "X", "service", "audit")));
    // length prefixes: moving characters between name and value changes the identity
    assertNotEquals(Fingerprints.of(Map.of("ab", "c")), Fingerprints.of(Map.of("a", "bc")));
    assertNotEquals(Fingerprints.of(Map.of("a", "b", "c", "")), Fingerprints.of(Map.of("a", "b")));
  }

  @Test
  void matchersFollowAlertmanagerSemantics() {
    Map<String, String> labels = Map.of("service", "gateway", "severity", "warning");
    assertTrue(matcher("service", "gateway", false, true).matches(labels));
    assertFalse(matcher("service", "gate", false, true).matches(labels));
    assertTrue(matcher("service", "gate.*", true, true).matches(labels));
    assertFalse(matcher("service", "gate", true, true).matches(labels), "a regex matches the whole value");
    assertTrue(matcher("service", "audit", false, false).matches(labels));
    assertTrue(matcher("team", "", false, true).matches(labels), "a missing label is the empty string");
    assertThrows(ApiException.class, () -> matcher("service", "(", true, true));
    assertThrows(ApiException.class, () -> matcher("bad-name", "x", false, true));
    assertThrows(ApiException.class, () -> LabelMatcher.fromJson(new JsonObject().put("name", "a").put("value", "b").put("isRegex", "yes")));
  }

  private static LabelMatcher matcher(String name, String value, boolean regex, boolean equal) {
    return LabelMatcher.fromJson(new JsonObject().put("name", name).put("value", value).put("isRegex", regex).put("isEqual", equal));
  }
}
