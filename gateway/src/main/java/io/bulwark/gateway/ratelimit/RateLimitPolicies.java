package io.bulwark.gateway.ratelimit;

import io.bulwark.shared.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the named policies of {@code BULWARK_RATE_LIMITS}, refusing anything it does not fully understand. */
public final class RateLimitPolicies {
  public static final String KEY = "BULWARK_RATE_LIMITS";
  private static final Set<String> FIELDS = Set.of("limit", "period", "burst", "scope");
  private static final Pattern PERIOD = Pattern.compile("([0-9]{1,12})(ms|s|m|h)");

  private RateLimitPolicies() {}

  /**
   * Policies by name, in configuration order. {@code raw} is a JsonObject (config file), a String holding JSON (an
   * environment variable), or null/blank for none.
   */
  public static Map<String, RateLimitPolicy> parse(Object raw) {
    JsonObject json = asObject(raw);
    Map<String, RateLimitPolicy> out = new LinkedHashMap<>();
    if (json == null) {
      return Collections.unmodifiableMap(out);
    }
    for (String name : json.fieldNames()) {
      out.put(name, policy(name, json.getValue(name)));
    }
    return Collections.unmodifiableMap(out);
  }

  private static JsonObject asObject(Object raw) {
    if (raw == null) {
      return null;
    }
    if (raw instanceof JsonObject obj) {
      return obj;
    }
    if (raw instanceof Map<?, ?> map) {
      return new JsonObject(castMap(map));
    }
    if (raw instanceof String s) {
      if (s.isBlank()) {
        return null;
      }
      try {
        return new JsonObject(s);
      } catch (RuntimeException e) {
        // the decoder's message quotes the input, which is configuration, not a secret; keep only its first line
        throw new ConfigException(KEY, "is not a JSON object of policies: " + firstLine(e.getMessage()));
      }
    }
    throw new ConfigException(KEY, "must be a JSON object of policies (got " + typeName(raw) + ")");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }

  private static RateLimitPolicy policy(String name, Object value) {
    if (!RateLimitPolicy.NAME.matcher(name).matches()) {
      throw new ConfigException(KEY, "'" + name + "' is not a valid policy name (lower-case letters, digits, '-' and '_', "
          + "starting with a letter or digit, at most 63 characters)");
    }
    if (!(value instanceof JsonObject fields)) {
      throw new ConfigException(KEY, name + " must be an object with limit, period, burst and scope (got "
          + typeName(value) + ")");
    }
    for (String field : fields.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new ConfigException(KEY, name + "." + field + " is not a known field (expected limit, period, burst, scope)");
      }
    }
    long limit = count(name, "limit", fields.getValue("limit"), null);
    Duration period = period(name, fields.getValue("period"));
    long burst = count(name, "burst", fields.getValue("burst"), limit);
    RateLimitPolicy.Scope scope = scope(name, fields.getValue("scope"));
    long interval = period.toNanos() / 1000 / limit;
    if (interval < 1) {
      throw new ConfigException(KEY, name + ".limit is more than one request per microsecond of " + name + ".period");
    }
    if (burst > RateLimitPolicy.MAX_SPAN_MICROS / interval) {
      throw new ConfigException(KEY, name + ".burst is too large: " + name + ".burst times the interval between requests "
          + "must stay under 31 years");
    }
    return new RateLimitPolicy(name, limit, period, burst, scope);
  }

  private static long count(String name, String field, Object v, Long fallback) {
    if (v == null) {
      if (fallback == null) {
        throw new ConfigException(KEY, name + "." + field + " is required (a whole number of at least 1)");
      }
      return fallback;
    }
    if (!(v instanceof Number n)) {
      throw new ConfigException(KEY, name + "." + field + " must be a number (got " + typeName(v) + ")");
    }
    BigDecimal d;
    try {
      d = new BigDecimal(n.toString());
    } catch (NumberFormatException e) {
      throw new ConfigException(KEY, name + "." + field + " must be a whole number of at least 1 (got " + n + ")");
    }
    if (d.signum() <= 0 || d.stripTrailingZeros().scale() > 0) {
      throw new ConfigException(KEY, name + "." + field + " must be a whole number of at least 1 (got " + n + ")");
    }
    if (d.compareTo(BigDecimal.valueOf(1_000_000_000L)) > 0) {
      throw new ConfigException(KEY, name + "." + field + " must be at most 1000000000 (got " + n + ")");
    }
    return d.longValueExact();
  }

  private static Duration period(String name, Object v) {
    if (v == null) {
      throw new ConfigException(KEY, name + ".period is required (like \"1s\", \"500ms\", \"1m\" or \"1h\")");
    }
    if (!(v instanceof String s)) {
      throw new ConfigException(KEY, name + ".period must be a string like \"1s\" (got " + typeName(v) + ")");
    }
    Matcher m = PERIOD.matcher(s.trim());
    if (!m.matches()) {
      throw new ConfigException(KEY, name + ".period must be a number followed by ms, s, m or h (got '" + s + "')");
    }
    long n = Long.parseLong(m.group(1));
    if (n < 1) {
      throw new ConfigException(KEY, name + ".period must be positive (got '" + s + "')");
    }
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
    if (d.compareTo(RateLimitPolicy.MAX_PERIOD) > 0) {
      throw new ConfigException(KEY, name + ".period must be at most " + RateLimitPolicy.MAX_PERIOD.toHours() + "h (got '"
          + s + "')");
    }
    return d;
  }

  private static RateLimitPolicy.Scope scope(String name, Object v) {
    if (v == null) {
      return RateLimitPolicy.Scope.KEY;
    }
    if (!(v instanceof String s)) {
      throw new ConfigException(KEY, name + ".scope must be \"key\" or \"tenant\" (got " + typeName(v) + ")");
    }
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "key" -> RateLimitPolicy.Scope.KEY;
      case "tenant" -> RateLimitPolicy.Scope.TENANT;
      default -> throw new ConfigException(KEY, name + ".scope must be \"key\" or \"tenant\" (got '" + s + "')");
    };
  }

  private static String typeName(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof JsonObject || v instanceof Map) {
      return "an object";
    }
    if (v instanceof JsonArray || v instanceof java.util.List) {
      return "an array";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    if (v instanceof Number) {
      return "a number";
    }
    return "a string";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable JSON";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
