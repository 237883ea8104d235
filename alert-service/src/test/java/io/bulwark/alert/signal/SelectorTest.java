package io.bulwark.alert.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectorTest {

  @Test
  void allFourMatchers() {
    Selector s = Selector.parse("req_total{service=\"gateway\", status=~\"5..\",route!=\"/health\",method!~\"HEAD|OPTIONS\"}");
    assertEquals("req_total", s.metric());
    assertEquals(4, s.matchers().size());
    assertTrue(s.matches("req_total", Map.of("service", "gateway", "status", "503", "route", "/x", "method", "GET")));
    assertFalse(s.matches("req_total", Map.of("service", "gateway", "status", "200", "route", "/x", "method", "GET")));
    assertFalse(s.matches("req_total", Map.of("service", "gateway", "status", "500", "route", "/health", "method", "GET")));
    assertFalse(s.matches("req_total", Map.of("service", "gateway", "status", "500", "route", "/x", "method", "HEAD")));
    assertFalse(s.matches("other_total", Map.of("service", "gateway", "status", "500", "route", "/x", "method", "GET")));
  }

  @Test
  void regexIsAnchoredAndMissingLabelIsEmpty() {
    Selector s = Selector.parse("m{status=~\"5..\"}");
    assertFalse(s.matches("m", Map.of("status", "1500")));
    assertTrue(Selector.parse("m{x=\"\"}").matches("m", Map.of()));
    assertTrue(Selector.parse("m{x!=\"a\"}").matches("m", Map.of()));
  }

  @Test
  void bareNameAndEqualities() {
    Selector s = Selector.parse("up");
    assertTrue(s.matches("up", Map.of("instance", "x")));
    assertEquals(Map.of("instance", "gateway"), Selector.parse("up{instance=\"gateway\",job=~\".*\"}").equalities());
  }

  @Test
  void escapedQuoteInValue() {
    assertTrue(Selector.parse("m{a=\"say \\\"x\\\"\"}").matches("m", Map.of("a", "say \"x\"")));
  }

  @Test
  void refusesWhatIsNotASelector() {
    for (String bad : new String[] {"", "{a=\"b\"}", "m{a=b}", "m{a~\"b\"}", "m{a=\"b\"", "m{a=~\"(\"}", "rate(m[5m])",
        "m{=\"x\"}", "9m"}) {
      assertThrows(IllegalArgumentException.class, () -> Selector.parse(bad), bad);
    }
  }

  @Test
  void printsBack() {
    assertEquals("m{a=\"1\",b=~\"x|y\"}", Selector.parse("m{ a = \"1\" , b=~\"x|y\" }").toString());
  }
}
