package io.bulwark.gateway.alert;

import io.bulwark.shared.http.ApiException;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The query of {@code GET /alerts} checked and turned into the {@code bulwark.alert.list} message, and the ids in
 * alert paths: anything malformed is a 400 {@code validation.failed} before a message is sent.
 */
public final class AlertQuery {
  public static final Set<String> STATES = Set.of("pending", "firing", "acknowledged", "resolved", "open");
  public static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
  /** Prometheus' label names; the bound keeps a query from carrying arbitrary text. */
  static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]{0,127}");
  static final int MAX_LABEL_VALUE = 1024;
  static final int MAX_LABELS = 16;
  static final int MAX_LIMIT = 1000;
  private static final Set<String> PARAMS = Set.of("state", "severity", "label", "limit");
  private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private AlertQuery() {}

  /** {@code state}, {@code severity}, {@code limit} at most once; {@code label=name=value} repeatable, names distinct. */
  public static JsonObject list(MultiMap params) {
    Set<String> unknown = new TreeSet<>(params.names());
    unknown.removeAll(PARAMS);
    if (!unknown.isEmpty()) {
      throw ApiException.badRequest("unknown query parameter(s): " + String.join(", ", unknown)
          + " (allowed: label, limit, severity, state)");
    }
    JsonObject msg = new JsonObject();
    String state = once(params, "state");
    if (state != null) {
      msg.put("state", oneOf(state, STATES, "state"));
    }
    String severity = once(params, "severity");
    if (severity != null) {
      msg.put("severity", oneOf(severity, SEVERITIES, "severity"));
    }
    String limit = once(params, "limit");
    if (limit != null) {
      if (!limit.matches("[0-9]{1,4}") || Integer.parseInt(limit) < 1 || Integer.parseInt(limit) > MAX_LIMIT) {
        throw ApiException.badRequest("limit must be a whole number from 1 to " + MAX_LIMIT);
      }
      msg.put("limit", Integer.parseInt(limit));
    }
    var labels = params.getAll("label");
    if (labels.size() > MAX_LABELS) {
      throw ApiException.badRequest("at most " + MAX_LABELS + " label filters");
    }
    JsonObject matches = new JsonObject();
    for (String l : labels) {
      int eq = l.indexOf('=');
      String name = eq < 0 ? l : l.substring(0, eq);
      if (eq < 0 || !LABEL_NAME.matcher(name).matches()) {
        throw ApiException.badRequest("label must be name=value with a label name of letters, digits and '_' (not starting"
            + " with a digit, at most 128)");
      }
      String value = l.substring(eq + 1);
      if (value.isEmpty() || value.length() > MAX_LABEL_VALUE || value.chars().anyMatch(Character::isISOControl)) {
        throw ApiException.badRequest("label " + name + ": the value must be 1-" + MAX_LABEL_VALUE
            + " characters without control characters");
      }
      if (matches.containsKey(name)) {
        throw ApiException.badRequest("label " + name + " given twice");
      }
      matches.put(name, value);
    }
    if (!matches.isEmpty()) {
      msg.put("labels", matches);
    }
    return msg;
  }

  /** A path id that must be a UUID (alerts, silences), in its canonical lower-case form. */
  public static String uuid(String raw, String what) {
    if (raw == null || !UUID_TEXT.matcher(raw).matches()) {
      throw ApiException.badRequest(what + " id must be a UUID such as 3f2b8c1e-9a4d-4e7f-b6a1-0c5d2e8f9a7b");
    }
    return UUID.fromString(raw).toString();
  }

  /** No query parameters at all, or only those in {@code allowed} (each at most once). */
  public static Map<String, String> only(MultiMap params, Set<String> allowed) {
    Set<String> unknown = new TreeSet<>(params.names());
    unknown.removeAll(allowed);
    if (!unknown.isEmpty()) {
      throw ApiException.badRequest("unknown query parameter(s): " + String.join(", ", unknown)
          + (allowed.isEmpty() ? "" : " (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")"));
    }
    Map<String, String> out = new java.util.HashMap<>();
    for (String name : allowed) {
      String v = once(params, name);
      if (v != null) {
        out.put(name, v);
      }
    }
    return out;
  }

  private static String once(MultiMap params, String name) {
    var all = params.getAll(name);
    if (all.size() > 1) {
      throw ApiException.badRequest("query parameter " + name + " given twice");
    }
    return all.isEmpty() ? null : all.get(0);
  }

  private static String oneOf(String value, Set<String> allowed, String name) {
    if (!allowed.contains(value)) {
      throw ApiException.badRequest(name + " must be one of " + String.join(", ", new TreeSet<>(allowed)));
    }
    return value;
  }
}
