package io.bulwark.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Parsing and matching of the routes file: what an operator writes, and what they are told when it is wrong. */
class RouteTableTest {
  private static final Predicate<String> POLICIES = Set.of("per-key", "burst")::contains;

  private static final String YAML = """
      # orders service
      routes:
        - id: orders
          path: /api/orders
          upstreams: [http://10.0.0.1:8080, "https://orders.internal/v1"]
          methods: [GET, POST]
          auth: [api-key, jwt]
          scopes: [orders:read]
          rateLimit: per-key
          timeout: 500ms
          retries: 2
          circuitBreaker:
            failureRatePercent: 25
            minimumCalls: 5
            windowSize: 10
            openFor: 2m
            halfOpenCalls: 1
          stripPrefix: true
        - id: public
          path: /
          upstream: http://web:80
          auth: none
      """;

  private static RouteTable parse(String content, String name) {
    return RouteTable.parse(content, name, POLICIES);
  }

  /** The problems of an invalid file; fails the test when the file is accepted. */
  private static List<String> problems(String yaml) {
    return assertThrows(RouteFileException.class, () -> parse(yaml, "routes.yaml")).problems();
  }

  private static String oneRoute(String extra) {
    // CsvSource trims values, so the indentation is added here
    return "routes:\n  - id: orders\n    path: /api\n    upstream: http://127.0.0.1:1\n    " + extra;
  }

  @Test
  void aYamlFileWithEveryFieldIsRead() {
    RouteTable table = parse(YAML, "routes.yml");
    assertEquals(List.of("orders", "public"), table.routes().stream().map(ProxyRoute::id).toList());
    ProxyRoute orders = table.routes().get(0);
    assertEquals("/api/orders", orders.pathPrefix());
    assertEquals(List.of(URI.create("http://10.0.0.1:8080"), URI.create("https://orders.internal/v1")), orders.upstreams());
    assertEquals(Set.of(HttpMethod.GET, HttpMethod.POST), orders.methods());
    assertEquals(List.of(AuthMode.API_KEY, AuthMode.JWT), orders.auth());
    assertEquals(Set.of("orders:read"), orders.scopes());
    assertEquals(List.of("per-key"), orders.rateLimits());
    assertEquals(Duration.ofMillis(500), orders.timeout());
    assertEquals(2, orders.retries());
    assertEquals(new CircuitSettings(true, 25, 5, 10, Duration.ofMinutes(2), 1), orders.circuit());
    assertTrue(orders.stripPrefix());

    ProxyRoute pub = table.routes().get(1);
    assertEquals(List.of(URI.create("http://web:80")), pub.upstreams());
    assertEquals(List.of(AuthMode.NONE), pub.auth());
    assertTrue(pub.methods().isEmpty(), "no methods means any method");
  }

  @Test
  void defaultsApplyToAMinimalJsonRoute() {
    RouteTable table = parse("{\"routes\": [{\"id\": \"a\", \"path\": \"/a\", \"upstream\": \"http://h:1\"}]}", "r.json");
    ProxyRoute a = table.routes().get(0);
    assertEquals(List.of(AuthMode.API_KEY), a.auth());
    assertEquals(Duration.ofSeconds(30), a.timeout());
    assertEquals(0, a.retries());
    assertEquals(CircuitSettings.DEFAULTS, a.circuit());
    assertEquals(new CircuitSettings(true, 50, 10, 20, Duration.ofSeconds(30), 3), a.circuit());
    assertFalse(a.stripPrefix());
    assertTrue(a.scopes().isEmpty() && a.rateLimits().isEmpty() && a.methods().isEmpty());
  }

  @Test
  void anEmptyRoutesListIsAnEmptyTable() {
    assertTrue(parse("routes: []", "r.yaml").routes().isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "timeout: 5 sec                  | routes[0] (orders).timeout: must be a duration",
      "timeout: 30                     | routes[0] (orders).timeout: must be a duration",
      "timeout: 11m                    | routes[0] (orders).timeout: must be between 1ms and 10m",
      "timeout: 0ms                    | routes[0] (orders).timeout: must be between 1ms and 10m",
      "retries: 6                      | routes[0] (orders).retries: must be a whole number from 0 to 5",
      "retries: \"1\"                   | routes[0] (orders).retries: must be a whole number",
      "methods: [GET, FETCH]           | routes[0] (orders).methods: unknown method \"FETCH\"",
      "methods: [CONNECT]              | routes[0] (orders).methods: unknown method \"CONNECT\"",
      "auth: [api-key, none]           | routes[0] (orders).auth: none cannot be combined",
      "auth: [password]                | routes[0] (orders).auth: unknown mode \"password\"",
      "auth: []                        | routes[0] (orders).auth: must name at least one mode",
      "scopes: [orders read]           | routes[0] (orders).scopes: \"orders read\" is not a scope name",
      "rateLimit: [per-key, gold]      | routes[0] (orders).rateLimit: unknown rate-limit policy \"gold\"",
      "stripPrefix: yes please         | routes[0] (orders).stripPrefix: must be true or false",
      "timout: 5s                      | routes[0] (orders).timout: unknown field",
      "upstreams: [http://other:1]     | routes[0] (orders).upstream: use either upstream or upstreams, not both",
      "circuitBreaker: {openFor: soon} | routes[0] (orders).circuitBreaker.openFor: must be a duration",
      "circuitBreaker: {failureRatePercent: 0} | routes[0] (orders).circuitBreaker.failureRatePercent: must be a whole number from 1 to 100",
      "circuitBreaker: {minimumCalls: 30, windowSize: 20} | routes[0] (orders).circuitBreaker.minimumCalls: 30 exceeds windowSize 20",
      "circuitBreaker: {halfOpen: 2}   | routes[0] (orders).circuitBreaker.halfOpen: unknown field",
      "circuitBreaker: true            | routes[0] (orders).circuitBreaker: must be an object",
  })
  void eachInvalidFieldIsNamedWithItsRoute(String extra, String expected) {
    List<String> problems = problems(oneRoute(extra + "\n"));
    assertEquals(1, problems.size(), () -> "one problem expected: " + problems);
    assertTrue(problems.get(0).startsWith(expected), () -> "expected «" + expected + "…», got «" + problems.get(0) + "»");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "api              | must start with /",
      "/api/../admin    | must not contain ..",
      "/api//x          | must not contain //",
      "/api?x=1         | must not contain ? or #",
      "/api#top         | must not contain ? or #",
      "/api/            | must not end with /",
  })
  void badPrefixesAreRefused(String path, String expected) {
    List<String> problems = problems("routes:\n  - id: a\n    path: \"" + path + "\"\n    upstream: http://h:1\n");
    assertEquals(1, problems.size(), problems::toString);
    assertTrue(problems.get(0).startsWith("routes[0] (a).path: " + expected), problems::toString);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "ftp://h/x            | scheme must be http or https",
      "http://user:pw@h:1   | must not carry user info",
      "http://h:1/x?y=1     | must not have a query or fragment",
      "/relative            | scheme must be http or https",
  })
  void badUpstreamsAreRefused(String url, String expected) {
    List<String> problems = problems("routes:\n  - id: a\n    path: /a\n    upstreams: [http://ok:1, \"" + url + "\"]\n");
    assertEquals(1, problems.size(), problems::toString);
    assertTrue(problems.get(0).startsWith("routes[0] (a).upstreams[1]: " + expected), problems::toString);
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    String yaml = """
        routes:
          - id: orders
            path: /api
            upstream: http://h:1
          - id: Orders!
            path: /b
            upstream: http://h:1
          - id: orders
            path: /api
            upstreams: []
            timeout: forever
          - path: /c
            upstream: http://h:1
        extra: 1
        """;
    RouteFileException e = assertThrows(RouteFileException.class, () -> parse(yaml, "routes.yaml"));
    List<String> p = e.problems();
    assertTrue(p.contains("routes.yaml: unknown top-level field \"extra\" (only routes is allowed)"), p::toString);
    assertTrue(p.stream().anyMatch(s -> s.startsWith("routes[1] (Orders!).id: must be 1 to 63")), p::toString);
    assertTrue(p.contains("routes[2] (orders).id: duplicate of routes[0] (orders)"), p::toString);
    assertTrue(p.contains("routes[2] (orders).path: \"/api\" is already routed by routes[0] (orders)"), p::toString);
    assertTrue(p.contains("routes[2] (orders).upstreams: must be a non-empty list of URLs"), p::toString);
    assertTrue(p.stream().anyMatch(s -> s.startsWith("routes[2] (orders).timeout: must be a duration")), p::toString);
    assertTrue(p.contains("routes[3].id: required"), p::toString);
    assertEquals(7, p.size(), p::toString);
    assertTrue(e.getMessage().startsWith("routes file routes.yaml is invalid (7 problems)"), e.getMessage());
    p.forEach(problem -> assertTrue(e.getMessage().contains(problem), "the message lists " + problem));
  }

  @Test
  void malformedOrEmptyFilesAreRefused() {
    assertTrue(problems("").get(0).contains("the file is empty"));
    assertTrue(problems("# only a comment\n").get(0).contains("the file is empty"));
    assertTrue(problems("routes: [\n").get(0).startsWith("routes.yaml: not valid YAML"));
    assertTrue(problems("routes:\n  - id: a\n    id: b\n").get(0).startsWith("routes.yaml: not valid YAML"),
        "a repeated key is refused, not silently overwritten");
    assertEquals(List.of("routes.yaml.routes: required"), problems("other: 1\n").subList(1, 2));
    assertEquals(List.of("routes.yaml.routes: must be a list"), problems("routes: {}\n"));
    List<String> json = assertThrows(RouteFileException.class, () -> parse("{\"routes\": [", "r.json")).problems();
    assertTrue(json.get(0).startsWith("r.json: not valid JSON"), json::toString);
    List<String> txt = assertThrows(RouteFileException.class, () -> parse("routes: []", "r.txt")).problems();
    assertTrue(txt.get(0).contains("unsupported file type"), txt::toString);
  }

  @Test
  void theLongestPrefixOnASegmentBoundaryWins() {
    RouteTable table = parse("""
        routes:
          - {id: root, path: /, upstream: "http://h:1"}
          - {id: api, path: /api, upstream: "http://h:1"}
          - {id: orders, path: /api/orders, upstream: "http://h:1"}
        """, "r.yaml");
    assertEquals("api", id(table.match("/api")));
    assertEquals("api", id(table.match("/api/")));
    assertEquals("api", id(table.match("/api/x")));
    assertEquals("root", id(table.match("/apix")), "/api does not cover /apix");
    assertEquals("orders", id(table.match("/api/orders")));
    assertEquals("orders", id(table.match("/api/orders/7")));
    assertEquals("api", id(table.match("/api/ordersx")));
    assertEquals("root", id(table.match("/")));
    assertEquals("root", id(table.match("/other/thing")));
  }

  @Test
  void withoutARootRouteUnmatchedPathsFindNothing() {
    RouteTable table = parse("routes:\n  - {id: api, path: /api, upstream: \"http://h:1\"}\n", "r.yaml");
    assertTrue(table.match("/apix").isEmpty());
    assertTrue(table.match("/").isEmpty());
    assertTrue(RouteTable.empty().match("/api").isEmpty());
  }

  private static String id(Optional<ProxyRoute> route) {
    return route.map(ProxyRoute::id).orElse("none");
  }
}
