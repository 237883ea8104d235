package io.bulwark.gateway.proxy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.http.HttpMethod;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a routes file strictly: every problem is collected (not just the first) so an operator fixes the file in one
 * pass, and each names the route by index and id and the field it concerns.
 */
final class RouteParser {
  static final Duration MIN_DURATION = Duration.ofMillis(1);
  static final Duration MAX_DURATION = Duration.ofMinutes(10);
  static final int MAX_RETRIES = 5;
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m)");
  private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9:._/-]{1,128}");
  private static final Set<String> ROUTE_FIELDS = Set.of("id", "path", "upstreams", "upstream", "methods", "auth",
      "scopes", "rateLimit", "timeout", "retries", "circuitBreaker", "stripPrefix");
  private static final Set<String> CIRCUIT_FIELDS = Set.of("enabled", "failureRatePercent", "minimumCalls",
      "windowSize", "openFor", "halfOpenCalls");
  /** CONNECT is left out on purpose: the proxy forwards requests, it does not open tunnels. */
  private static final List<HttpMethod> METHODS = List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
      HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.OPTIONS, HttpMethod.TRACE);
  private static final ObjectMapper YAML = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final ObjectMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final String source;
  private final Predicate<String> knownPolicy;
  private final List<String> problems = new ArrayList<>();

  RouteParser(String source, Predicate<String> knownPolicy) {
    this.source = source;
    this.knownPolicy = knownPolicy;
  }

  List<ProxyRoute> parse(String content) {
    List<ProxyRoute> routes = parseAll(content);
    if (!problems.isEmpty()) {
      throw new RouteFileException(source, problems);
    }
    return routes;
  }

  private List<ProxyRoute> parseAll(String content) {
    ObjectMapper mapper = mapperFor(source);
    if (mapper == null) {
      problems.add(source + ": unsupported file type; name it .yaml, .yml or .json");
      return List.of();
    }
    if (content == null || content.isBlank()) {
      problems.add(source + ": the file is empty; it needs a top-level routes list");
      return List.of();
    }
    JsonNode root;
    try {
      root = mapper.readTree(content);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      problems.add(source + ": not valid " + (mapper == YAML ? "YAML" : "JSON") + ": " + e.getOriginalMessage()
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
      return List.of();
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      problems.add(source + ": the file is empty; it needs a top-level routes list");
      return List.of();
    }
    if (!root.isObject()) {
      problems.add(source + ": the top level must be an object with a routes list");
      return List.of();
    }
    root.fieldNames().forEachRemaining(name -> {
      if (!name.equals("routes")) {
        problems.add(source + ": unknown top-level field \"" + name + "\" (only routes is allowed)");
      }
    });
    JsonNode list = root.get("routes");
    if (list == null || !list.isArray()) {
      problems.add(source + ".routes: " + (list == null ? "required" : "must be a list"));
      return List.of();
    }
    List<ProxyRoute> routes = new ArrayList<>();
    Map<String, String> ids = new HashMap<>();
    Map<String, String> prefixes = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      ProxyRoute r = route(i, list.get(i), ids, prefixes);
      if (r != null) {
        routes.add(r);
      }
    }
    return routes;
  }

  private static ObjectMapper mapperFor(String sourceName) {
    String name = sourceName.toLowerCase(Locale.ROOT);
    if (name.endsWith(".yaml") || name.endsWith(".yml")) {
      return YAML;
    }
    return name.endsWith(".json") ? JSON : null;
  }

  private ProxyRoute route(int index, JsonNode node, Map<String, String> ids, Map<String, String> prefixes) {
    String at = "routes[" + index + "]";
    if (!node.isObject()) {
      problems.add(at + ": must be an object");
      return null;
    }
    JsonNode idNode = node.get("id");
    String label = idNode != null && idNode.isTextual() ? at + " (" + idNode.asText() + ")" : at;
    int before = problems.size();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!ROUTE_FIELDS.contains(name)) {
        problems.add(label + "." + name + ": unknown field (allowed: " + String.join(", ", sorted(ROUTE_FIELDS)) + ")");
      }
    }
    String id = id(label, idNode);
    if (id != null && ids.putIfAbsent(id, label) != null) {
      problems.add(label + ".id: duplicate of " + ids.get(id));
    }
    String path = path(label, node.get("path"));
    if (path != null && prefixes.putIfAbsent(path, label) != null) {
      problems.add(label + ".path: \"" + path + "\" is already routed by " + prefixes.get(path));
    }
    List<URI> upstreams = upstreams(label, node.get("upstreams"), node.get("upstream"));
    Set<HttpMethod> methods = methods(label, node.get("methods"));
    List<AuthMode> auth = auth(label, node.get("auth"));
    Set<String> scopes = new LinkedHashSet<>();
    for (String s : strings(label + ".scopes", node.get("scopes"))) {
      if (SCOPE.matcher(s).matches()) {
        scopes.add(s);
      } else {
        problems.add(label + ".scopes: \"" + s + "\" is not a scope name (letters, digits and :._/-)");
      }
    }
    List<String> rateLimits = new ArrayList<>();
    for (String p : strings(label + ".rateLimit", node.get("rateLimit"))) {
      if (!knownPolicy.test(p)) {
        problems.add(label + ".rateLimit: unknown rate-limit policy \"" + p + "\"");
      } else if (!rateLimits.contains(p)) {
        rateLimits.add(p);
      }
    }
    Duration timeout = duration(label + ".timeout", node.get("timeout"), ProxyRoute.DEFAULT_TIMEOUT);
    int retries = integer(label + ".retries", node.get("retries"), 0, 0, MAX_RETRIES);
    CircuitSettings circuit = circuit(label + ".circuitBreaker", node.get("circuitBreaker"));
    boolean strip = bool(label + ".stripPrefix", node.get("stripPrefix"), false);
    if (problems.size() > before) {
      return null;
    }
    return new ProxyRoute(id, path, upstreams, methods, auth, scopes, rateLimits, timeout, retries, circuit, strip);
  }

  private String id(String label, JsonNode node) {
    if (node == null) {
      problems.add(label + ".id: required");
      return null;
    }
    if (!node.isTextual() || !ID.matcher(node.asText()).matches()) {
      problems.add(label + ".id: must be 1 to 63 lower-case letters, digits or dashes, starting with a letter or digit");
      return null;
    }
    return node.asText();
  }

  private String path(String label, JsonNode node) {
    String field = label + ".path";
    if (node == null) {
      problems.add(field + ": required");
      return null;
    }
    if (!node.isTextual()) {
      problems.add(field + ": must be a string");
      return null;
    }
    String p = node.asText();
    String bad = !p.startsWith("/") ? "must start with /"
        : p.contains("..") ? "must not contain .."
        : p.contains("//") ? "must not contain //"
        : p.contains("?") || p.contains("#") ? "must not contain ? or #"
        : p.length() > 1 && p.endsWith("/") ? "must not end with / (write /api, which also covers /api/...)"
        : p.chars().anyMatch(c -> c <= ' ' || c == 0x7f) ? "must not contain spaces or control characters"
        : null;
    if (bad != null) {
      problems.add(field + ": " + bad + ", got \"" + p + "\"");
      return null;
    }
    return p;
  }

  private List<URI> upstreams(String label, JsonNode list, JsonNode single) {
    if (list != null && single != null) {
      problems.add(label + ".upstream: use either upstream or upstreams, not both");
      return List.of();
    }
    if (list == null && single == null) {
      problems.add(label + ".upstreams: required (a list of http or https URLs, or upstream: one URL)");
      return List.of();
    }
    List<URI> out = new ArrayList<>();
    if (single != null) {
      upstream(label + ".upstream", single, out);
    } else if (!list.isArray() || list.isEmpty()) {
      problems.add(label + ".upstreams: must be a non-empty list of URLs");
    } else {
      for (int i = 0; i < list.size(); i++) {
        upstream(label + ".upstreams[" + i + "]", list.get(i), out);
      }
    }
    return out;
  }

  private void upstream(String field, JsonNode node, List<URI> out) {
    if (!node.isTextual()) {
      problems.add(field + ": must be a URL string");
      return;
    }
    URI u;
    try {
      u = new URI(node.asText());
    } catch (URISyntaxException e) {
      problems.add(field + ": not a URL: " + e.getMessage());
      return;
    }
    String bad = u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
        ? "scheme must be http or https"
        : u.getHost() == null ? "needs a host"
        : u.getRawUserInfo() != null ? "must not carry user info (credentials do not belong in the routes file)"
        : u.getRawQuery() != null || u.getRawFragment() != null ? "must not have a query or fragment"
        : null;
    if (bad != null) {
      problems.add(field + ": " + bad + ", got \"" + node.asText() + "\"");
    } else {
      out.add(u);
    }
  }

  private Set<HttpMethod> methods(String label, JsonNode node) {
    Set<HttpMethod> out = new LinkedHashSet<>();
    for (String name : strings(label + ".methods", node)) {
      HttpMethod m = METHODS.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
      if (m == null) {
        problems.add(label + ".methods: unknown method \"" + name + "\" (one of "
            + String.join(", ", METHODS.stream().map(HttpMethod::name).toList()) + ")");
      } else {
        out.add(m);
      }
    }
    return out;
  }

  private List<AuthMode> auth(String label, JsonNode node) {
    if (node == null) {
      return ProxyRoute.DEFAULT_AUTH;
    }
    List<AuthMode> out = new ArrayList<>();
    int before = problems.size();
    for (String name : strings(label + ".auth", node)) {
      AuthMode m = AuthMode.fromWireName(name).orElse(null);
      if (m == null) {
        problems.add(label + ".auth: unknown mode \"" + name + "\" (api-key, jwt, admin or none)");
      } else if (!out.contains(m)) {
        out.add(m);
      }
    }
    if (problems.size() > before) {
      return out;
    }
    if (out.isEmpty()) {
      problems.add(label + ".auth: must name at least one mode (use none for a public route)");
    } else if (out.contains(AuthMode.NONE) && out.size() > 1) {
      problems.add(label + ".auth: none cannot be combined with other modes");
    }
    return out;
  }

  private CircuitSettings circuit(String field, JsonNode node) {
    if (node == null) {
      return CircuitSettings.DEFAULTS;
    }
    if (!node.isObject()) {
      problems.add(field + ": must be an object");
      return CircuitSettings.DEFAULTS;
    }
    node.fieldNames().forEachRemaining(name -> {
      if (!CIRCUIT_FIELDS.contains(name)) {
        problems.add(field + "." + name + ": unknown field (allowed: " + String.join(", ", sorted(CIRCUIT_FIELDS)) + ")");
      }
    });
    CircuitSettings d = CircuitSettings.DEFAULTS;
    int minimum = integer(field + ".minimumCalls", node.get("minimumCalls"), d.minimumCalls(), 1, 10_000);
    int window = integer(field + ".windowSize", node.get("windowSize"), d.windowSize(), 1, 10_000);
    if (minimum > window) {
      problems.add(field + ".minimumCalls: " + minimum + " exceeds windowSize " + window
          + ", so the circuit could never judge the window");
    }
    return new CircuitSettings(
        bool(field + ".enabled", node.get("enabled"), d.enabled()),
        integer(field + ".failureRatePercent", node.get("failureRatePercent"), d.failureRatePercent(), 1, 100),
        minimum,
        window,
        duration(field + ".openFor", node.get("openFor"), d.openFor()),
        integer(field + ".halfOpenCalls", node.get("halfOpenCalls"), d.halfOpenCalls(), 1, 1000));
  }

  /** A list of strings; a single string is taken as a list of one, since that is how people write one scope or policy. */
  private List<String> strings(String field, JsonNode node) {
    if (node == null) {
      return List.of();
    }
    if (node.isTextual()) {
      return List.of(node.asText());
    }
    if (!node.isArray()) {
      problems.add(field + ": must be a list of strings");
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual() || item.asText().isBlank()) {
        problems.add(field + ": every entry must be a non-blank string, got " + item);
        return List.of();
      }
      out.add(item.asText());
    }
    return out;
  }

  private Duration duration(String field, JsonNode node, Duration fallback) {
    if (node == null) {
      return fallback;
    }
    Duration d = node.isTextual() ? parseDuration(node.asText()) : null;
    if (d == null) {
      problems.add(field + ": must be a duration such as 500ms, 5s or 2m, got " + node);
      return fallback;
    }
    if (d.compareTo(MIN_DURATION) < 0 || d.compareTo(MAX_DURATION) > 0) {
      problems.add(field + ": must be between 1ms and 10m, got " + node.asText());
      return fallback;
    }
    return d;
  }

  /** {@code 500ms}, {@code 5s} or {@code 2m}; null for anything else. */
  static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofMinutes(n);
    };
  }

  private int integer(String field, JsonNode node, int fallback, int min, int max) {
    if (node == null) {
      return fallback;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < min || node.asInt() > max) {
      problems.add(field + ": must be a whole number from " + min + " to " + max + ", got " + node);
      return fallback;
    }
    return node.asInt();
  }

  private boolean bool(String field, JsonNode node, boolean fallback) {
    if (node == null) {
      return fallback;
    }
    if (!node.isBoolean()) {
      problems.add(field + ": must be true or false, got " + node);
      return fallback;
    }
    return node.asBoolean();
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }
}
