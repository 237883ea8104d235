package io.bulwark.alert.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromTextParserTest {

  @Test
  void readsWhatMicrometerWrites() {
    String text = """
        # HELP bulwark_api_requests_total HTTP requests served
        # TYPE bulwark_api_requests_total counter
        bulwark_api_requests_total{method="GET",route="/v1/things",service="gateway",status="200",} 42.0
        bulwark_api_requests_total{method="GET",route="/v1/things",service="gateway",status="503",} 3.0
        # TYPE bulwark_api_request_duration_seconds histogram
        bulwark_api_request_duration_seconds_bucket{le="0.005",route="/x",} 1.0
        bulwark_api_request_duration_seconds_bucket{le="+Inf",route="/x",} 7.0
        process_uptime_seconds 12.5
        jvm_gc_pause_seconds_max{action="end of minor GC",} NaN
        """;
    ParsedScrape p = PromTextParser.parse(text);
    assertEquals(0, p.junkLines());
    assertEquals(6, p.samples().size());
    Sample first = p.samples().get(0);
    assertEquals("bulwark_api_requests_total", first.name());
    assertEquals(Map.of("method", "GET", "route", "/v1/things", "service", "gateway", "status", "200"), first.labels());
    assertEquals(42.0, first.value());
    assertEquals("+Inf", p.samples().get(3).labels().get("le"));
    assertEquals(12.5, p.samples().get(4).value());
    assertTrue(Double.isNaN(p.samples().get(5).value()));
  }

  @Test
  void unescapesQuotesBackslashesAndNewlines() {
    ParsedScrape p = PromTextParser.parse("m{a=\"say \\\"hi\\\"\",b=\"c:\\\\dir\",c=\"two\\nlines\"} 1\n");
    Sample s = p.samples().get(0);
    assertEquals("say \"hi\"", s.labels().get("a"));
    assertEquals("c:\\dir", s.labels().get("b"));
    assertEquals("two\nlines", s.labels().get("c"));
  }

  @Test
  void infinitiesTimestampsAndExponents() {
    ParsedScrape p = PromTextParser.parse("a +Inf\nb -Inf 1700000000000\nc 1.5e3\nd{x=\"y\"} 2 1700000000000\n");
    assertEquals(0, p.junkLines());
    assertEquals(Double.POSITIVE_INFINITY, p.samples().get(0).value());
    assertEquals(Double.NEGATIVE_INFINITY, p.samples().get(1).value());
    assertEquals(1500.0, p.samples().get(2).value());
    assertEquals(2.0, p.samples().get(3).value());
  }

  @Test
  void countsJunkAndKeepsTheRest() {
    String text = """
        good 1
        {no_name="x"} 2
        bad{a="unterminated} 3
        novalue
        word notanumber
        three 1 2 3
        bad{a=unquoted} 1
        also_good{a="b"} 4
        """;
    ParsedScrape p = PromTextParser.parse(text);
    assertEquals(List.of("good", "also_good"), p.samples().stream().map(Sample::name).toList());
    assertEquals(6, p.junkLines());
  }

  @Test
  void skipsUnwantedNamesWithoutParsingThem() {
    ParsedScrape p = PromTextParser.parse("keep 1\ndrop{broken 2\n", "keep"::equals);
    assertEquals(1, p.samples().size());
    assertEquals(0, p.junkLines());
  }

  @Test
  void crlfAndBlankLines() {
    ParsedScrape p = PromTextParser.parse("a 1\r\n\r\n  \nb{x=\"1\"} 2\r\n");
    assertEquals(2, p.samples().size());
    assertEquals(0, p.junkLines());
  }

  @Test
  void aLineWithANulIsJunkNotASample() {
    ParsedScrape p = PromTextParser.parse("up{instance=\"a\u0000b\"} 1\nup{instance=\"ok\"} 1\n");
    assertEquals(1, p.junkLines());
    assertEquals(List.of("ok"), p.samples().stream().map(x -> x.labels().get("instance")).toList());
  }
}
