package io.bulwark.alert.notify;

import io.bulwark.alert.lifecycle.LabelMatcher;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and strictly validates a receivers file (Alertmanager-like {@code route:} tree and {@code receivers:} list).
 * Every problem names the file and the field path; unknown fields are errors, so a typo never silently changes routing.
 * Blocking (file I/O): call from a worker or before the verticle starts.
 */
public final class ReceiversFile {
  /** Classpath resource used when BULWARK_ALERT_RECEIVERS_FILE is not set. */
  public static final String DEFAULT_RESOURCE = "notify/default-receivers.yaml";
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Set<String> ROUTE_FIELDS = Set.of("receiver", "matchers", "continue", "group_by", "group_wait",
      "group_interval", "repeat_interval", "routes");
  private static final Set<String> RECEIVER_FIELDS = Set.of("name", "kind", "url", "secret_env", "routing_key_env", "timeout",
      "max_alerts");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private final String source;

  private ReceiversFile(String source) {
    this.source = source;
  }

  /** The file at {@code path}, or the built-in default when {@code path} is null or blank. */
  public static NotifyConfig load(String path) {
    if (path == null || path.isBlank()) {
      try (InputStream in = ReceiversFile.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
        if (in == null) {
          throw new ReceiversFileException("classpath:" + DEFAULT_RESOURCE, "(file)", "missing from the build");
        }
        return parse("classpath:" + DEFAULT_RESOURCE, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new ReceiversFileException("classpath:" + DEFAULT_RESOURCE, "(file)", e.getMessage());
      }
    }
    try {
      return parse(path, Files.readString(Path.of(path)));
    } catch (IOException e) {
      throw new ReceiversFileException(path, "(file)", "cannot be read: " + e.getMessage());
    }
  }

  /** Parses YAML text; {@code source} names it in errors. */
  public static NotifyConfig parse(String source, String yaml) {
    JsonNode doc;
    try {
      doc = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (IOException e) {
      String msg = e.getMessage() == null ? "unreadable" : e.getMessage().lines().findFirst().orElse("unreadable");
      throw new ReceiversFileException(source, "(file)", "is not valid YAML: " + msg);
    }
    return new ReceiversFile(source).read(doc);
  }

  private NotifyConfig read(JsonNode doc) {
    if (doc == null || !doc.isObject()) {
      throw error("(file)", "must be a mapping with 'route' and 'receivers'");
    }
    onlyFields(doc, Set.of("route", "receivers"), "");
    Map<String, Receiver> receivers = receivers(doc.get("receivers"));
    JsonNode root = doc.get("route");
    if (root == null || !root.isObject()) {
      throw error("route", "is required (a mapping with at least 'receiver')");
    }
    if (root.has("matchers") || root.has("continue")) {
      throw error("route", "the root route matches every alert: 'matchers' and 'continue' are not allowed on it");
    }
    Route defaults = new Route("", null, List.of(), false, List.of(), Duration.ofSeconds(30), Duration.ofMinutes(5),
        Duration.ofHours(4), List.of());
    Route tree = route(root, "route", "0", defaults, receivers);
    if (tree.receiver() == null) {
      throw error("route.receiver", "is required on the root route");
    }
    return new NotifyConfig(source, tree, Map.copyOf(receivers));
  }

  private Map<String, Receiver> receivers(JsonNode list) {
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw error("receivers", "is required (a non-empty list)");
    }
    Map<String, Receiver> out = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String at = "receivers[" + i + "]";
      JsonNode r = list.get(i);
      if (!r.isObject()) {
        throw error(at, "must be a mapping");
      }
      onlyFields(r, RECEIVER_FIELDS, at + ".");
      String name = text(r, "name", at, true);
      if (!NAME.matcher(name).matches()) {
        throw error(at + ".name", "must be 1-64 of A-Z a-z 0-9 _ . - (got '" + name + "')");
      }
      if (out.containsKey(name)) {
        throw error(at + ".name", "'" + name + "' is defined twice");
      }
      String kindText = text(r, "kind", at, true);
      if (!Receiver.kinds().contains(kindText)) {
        throw error(at + ".kind", "must be one of " + Receiver.kinds() + " (got '" + kindText + "')");
      }
      Receiver.Kind kind = Receiver.Kind.valueOf(kindText.toUpperCase(Locale.ROOT));
      String url = text(r, "url", at, false);
      if (kind == Receiver.Kind.PAGERDUTY && url == null) {
        url = Receiver.PAGERDUTY_URL;
      }
      if (kind != Receiver.Kind.LOG) {
        url = checkUrl(url, at + ".url");
      } else if (url != null) {
        throw error(at + ".url", "a log receiver has no url");
      }
      String secretKey = text(r, "secret_env", at, false);
      if (secretKey != null && kind != Receiver.Kind.WEBHOOK) {
        throw error(at + ".secret_env", "only a webhook receiver signs its requests");
      }
      String routingKey = text(r, "routing_key_env", at, false);
      if (kind == Receiver.Kind.PAGERDUTY) {
        if (routingKey == null) {
          throw error(at + ".routing_key_env", "is required for a pagerduty receiver (the BULWARK_* variable holding the routing key)");
        }
        secretKey = routingKey;
      } else if (routingKey != null) {
        throw error(at + ".routing_key_env", "only a pagerduty receiver has a routing key");
      }
      if (secretKey != null && !secretKey.matches("BULWARK_[A-Z0-9_]+")) {
        throw error(at + (kind == Receiver.Kind.PAGERDUTY ? ".routing_key_env" : ".secret_env"),
            "must name a BULWARK_* environment variable (got '" + secretKey + "')");
      }
      Duration timeout = r.has("timeout") ? duration(r.get("timeout"), at + ".timeout") : Duration.ofSeconds(10);
      if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofMinutes(2)) > 0) {
        throw error(at + ".timeout", "must be between 100ms and 2m");
      }
      int maxAlerts = 0;
      if (r.has("max_alerts")) {
        JsonNode m = r.get("max_alerts");
        if (!m.canConvertToInt() || !m.isIntegralNumber() || m.intValue() < 0) {
          throw error(at + ".max_alerts", "must be a whole number, 0 or more (0: every alert of the group)");
        }
        if (kind != Receiver.Kind.WEBHOOK) {
          throw error(at + ".max_alerts", "only a webhook receiver truncates its payload");
        }
        maxAlerts = m.intValue();
      }
      out.put(name, new Receiver(name, kind, url, secretKey, timeout, maxAlerts));
    }
    return out;
  }

  private Route route(JsonNode node, String at, String id, Route parent, Map<String, Receiver> receivers) {
    if (!node.isObject()) {
      throw error(at, "must be a mapping");
    }
    onlyFields(node, ROUTE_FIELDS, at + ".");
    String receiver = text(node, "receiver", at, false);
    if (receiver != null && !receivers.containsKey(receiver)) {
      throw error(at + ".receiver", "'" + receiver + "' is not one of the receivers " + receivers.keySet());
    }
    List<LabelMatcher> matchers = new ArrayList<>();
    JsonNode ms = node.get("matchers");
    if (ms != null) {
      if (!ms.isArray()) {
        throw error(at + ".matchers", "must be a list of strings such as 'severity=\"critical\"'");
      }
      for (int i = 0; i < ms.size(); i++) {
        if (!ms.get(i).isTextual()) {
          throw error(at + ".matchers[" + i + "]", "must be a string such as 'severity=\"critical\"'");
        }
        try {
          matchers.add(LabelMatcher.parse(ms.get(i).asText()));
        } catch (IllegalArgumentException e) {
          throw error(at + ".matchers[" + i + "]", e.getMessage());
        }
      }
    }
    boolean cont = false;
    if (node.has("continue")) {
      if (!node.get("continue").isBoolean()) {
        throw error(at + ".continue", "must be true or false");
      }
      cont = node.get("continue").asBoolean();
    }
    List<String> groupBy = parent.groupBy();
    if (node.has("group_by")) {
      groupBy = groupBy(node.get("group_by"), at + ".group_by");
    }
    Duration wait = node.has("group_wait") ? duration(node.get("group_wait"), at + ".group_wait") : parent.groupWait();
    Duration interval = node.has("group_interval") ? positive(node.get("group_interval"), at + ".group_interval") : parent.groupInterval();
    Duration repeat = node.has("repeat_interval") ? positive(node.get("repeat_interval"), at + ".repeat_interval") : parent.repeatInterval();
    Route self = new Route(id, receiver == null ? parent.receiver() : receiver, List.copyOf(matchers), cont, groupBy,
        wait, interval, repeat, List.of());
    List<Route> children = new ArrayList<>();
    JsonNode rs = node.get("routes");
    if (rs != null) {
      if (!rs.isArray()) {
        throw error(at + ".routes", "must be a list of routes");
      }
      for (int i = 0; i < rs.size(); i++) {
        children.add(route(rs.get(i), at + ".routes[" + i + "]", id + "." + i, self, receivers));
      }
    }
    return new Route(id, self.receiver(), self.matchers(), cont, groupBy, wait, interval, repeat, List.copyOf(children));
  }

  private List<String> groupBy(JsonNode node, String at) {
    if (!node.isArray()) {
      throw error(at, "must be a list of label names (or ['...'] for all labels)");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : node) {
      String label = n.asText();
      if (!n.isTextual() || !(label.equals("...") || label.matches("[A-Za-z_][A-Za-z0-9_]*"))) {
        throw error(at, "'" + n + "' is not a label name");
      }
      out.add(label);
    }
    if (out.contains("...") && out.size() > 1) {
      throw error(at, "'...' (all labels) cannot be combined with other labels");
    }
    return List.copyOf(out);
  }

  private Duration positive(JsonNode node, String at) {
    Duration d = duration(node, at);
    if (d.isZero()) {
      throw error(at, "must be greater than 0");
    }
    return d;
  }

  private Duration duration(JsonNode node, String at) {
    Matcher m = DURATION.matcher(node.asText().trim());
    if (!node.isTextual() || !m.matches()) {
      throw error(at, "must be a duration such as 500ms, 30s, 5m, 4h or 1d (got '" + node.asText() + "')");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  private String checkUrl(String url, String at) {
    if (url == null) {
      throw error(at, "is required");
    }
    try {
      java.net.URI u = new java.net.URI(url);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
        throw error(at, "must be an http:// or https:// URL with a host (got '" + url + "')");
      }
      if (u.getUserInfo() != null) {
        throw error(at, "must not carry credentials; use secret_env or routing_key_env");
      }
    } catch (java.net.URISyntaxException e) {
      throw error(at, "is not a URL: " + e.getReason());
    }
    return url;
  }

  private String text(JsonNode node, String field, String at, boolean required) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw error(at + "." + field, "is required");
      }
      return null;
    }
    if (!v.isTextual() || v.asText().isBlank()) {
      throw error(at + "." + field, "must be a non-empty string");
    }
    return v.asText().trim();
  }

  private void onlyFields(JsonNode node, Set<String> allowed, String prefix) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!allowed.contains(n)) {
        throw error(prefix + n, "unknown field (allowed: " + new java.util.TreeSet<>(allowed) + ")");
      }
    }
  }

  private ReceiversFileException error(String field, String reason) {
    return new ReceiversFileException(source, field, reason);
  }
}
