package io.bulwark.shared.bus;

import io.bulwark.shared.http.ApiException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The rules an audit event must meet before it may enter the ledger, checked by the gateway on what clients send and
 * again by audit-service on what arrives over the bus; every problem is reported at once.
 */
public final class AuditEventRules {
  /** What a client may send: request id and source address come from the gateway, never from the body. */
  public static final Set<String> CLIENT_FIELDS = Set.of("category", "tenant", "actor", "action", "outcome", "target", "details");
  /** What an event on the bus may hold. */
  public static final Set<String> BUS_FIELDS = Set.of("category", "tenant", "actor", "action", "outcome", "target", "details",
      "requestId", "sourceIp");
  public static final Set<String> OUTCOMES = Set.of("success", "failure", "denied");
  public static final Set<String> CATEGORIES = Set.of("audit", "system");
  public static final int MAX_DETAILS_BYTES = 16 * 1024;
  private static final long MAX_SAFE_INTEGER = 1L << 53;
  private static final Pattern ACTION = Pattern.compile("[a-z0-9][a-z0-9._:-]{0,127}");

  private AuditEventRules() {}

  /** A client's event; request id and source address are the gateway's. */
  public static AuditEvent validate(JsonObject body, String requestId, String sourceIp) {
    return validate(body, CLIENT_FIELDS, requestId, sourceIp);
  }

  /** An event as it arrives on the bus, request id and source address included. */
  public static AuditEvent validateBusEvent(JsonObject event) {
    if (event == null) {
      throw ApiException.badRequest("event is required");
    }
    List<String> problems = new ArrayList<>();
    String requestId = optionalString(event, "requestId", 128, problems);
    String sourceIp = optionalString(event, "sourceIp", 64, problems);
    if (!problems.isEmpty()) {
      throw ApiException.badRequest(String.join("; ", problems));
    }
    return validate(event, BUS_FIELDS, requestId, sourceIp);
  }

  private static AuditEvent validate(JsonObject body, Set<String> fields, String requestId, String sourceIp) {
    List<String> problems = new ArrayList<>();
    Set<String> unknown = new TreeSet<>(body.fieldNames());
    unknown.removeAll(fields);
    if (!unknown.isEmpty()) {
      problems.add("unknown field(s): " + String.join(", ", unknown));
    }
    String category = optionalString(body, "category", 16, problems);
    if (category == null) {
      category = "audit";
    } else if (!CATEGORIES.contains(category)) {
      problems.add("category must be audit or system");
    }
    String tenant = optionalString(body, "tenant", 128, problems);
    String actor = requiredString(body, "actor", 256, problems);
    String action = requiredString(body, "action", 128, problems);
    if (action != null && !ACTION.matcher(action).matches()) {
      problems.add("action must be lower-case letters, digits and . _ : - (e.g. user.login)");
    }
    String outcome = requiredString(body, "outcome", 16, problems);
    if (outcome != null && !OUTCOMES.contains(outcome)) {
      problems.add("outcome must be one of success, failure, denied");
    }
    String target = optionalString(body, "target", 512, problems);
    JsonObject details = null;
    Object d = body.getValue("details");
    if (d != null) {
      if (!(d instanceof JsonObject obj)) {
        problems.add("details must be a JSON object");
      } else if (mayEncodeLongerThan(obj, MAX_DETAILS_BYTES)
          && obj.encode().getBytes(StandardCharsets.UTF_8).length > MAX_DETAILS_BYTES) {
        problems.add("details must be at most " + MAX_DETAILS_BYTES + " bytes of JSON");
      } else if (!exactNumbers(obj)) {
        problems.add("details may only hold whole numbers up to 2^53 in magnitude (the ledger's canonical JSON stores"
            + " numbers as IEEE-754 doubles); send larger or precise values as strings");
      } else {
        details = obj;
      }
    }
    if (!problems.isEmpty()) {
      throw ApiException.badRequest(String.join("; ", problems));
    }
    return new AuditEvent(category, tenant, actor, action, outcome, target, requestId, sourceIp,
        details == null ? new JsonObject() : details);
  }

  /** Every number survives RFC 8785 canonicalisation unchanged (it stores numbers as doubles). */
  public static boolean exactNumbers(Object value) {
    if (value instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        if (!exactNumbers(e.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (value instanceof io.vertx.core.json.JsonArray a) {
      for (Object item : a) {
        if (!exactNumbers(item)) {
          return false;
        }
      }
      return true;
    }
    if (value instanceof java.math.BigInteger || value instanceof java.math.BigDecimal) {
      return false;
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return Math.abs(((Number) value).longValue()) <= MAX_SAFE_INTEGER;
    }
    if (value instanceof Double d) {
      return Double.isFinite(d);
    }
    return true;
  }

  /**
   * Whether {@code json} could take more than {@code limit} bytes encoded: a bound from its characters (six bytes each
   * at most, an escaped control character; 32 for a number), so that the usual small object is not encoded once more
   * only to be measured. False means it certainly fits; true means measure it.
   */
  public static boolean mayEncodeLongerThan(Object json, int limit) {
    return bound(json) > limit;
  }

  private static final long UNKNOWN = 1L << 40;

  private static long bound(Object v) {
    if (v == null || v instanceof Boolean) {
      return 5;
    }
    if (v instanceof String s) {
      return 6L * s.length() + 2;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte || v instanceof Double
        || v instanceof Float) {
      return 32;
    }
    long n = 2;
    if (v instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        n += 6L * e.getKey().length() + 4 + bound(e.getValue());
      }
      return Math.min(n, UNKNOWN);
    }
    if (v instanceof io.vertx.core.json.JsonArray a) {
      for (Object item : a) {
        n += 1 + bound(item);
      }
      return Math.min(n, UNKNOWN);
    }
    return UNKNOWN; // anything else (a BigDecimal, bytes as base64...): measure it
  }

  private static String requiredString(JsonObject body, String field, int max, List<String> problems) {
    if (body.getValue(field) == null) {
      problems.add(field + " is required");
      return null;
    }
    return optionalString(body, field, max, problems);
  }

  private static String optionalString(JsonObject body, String field, int max, List<String> problems) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      problems.add(field + " must be a string");
      return null;
    }
    if (s.isBlank() || s.length() > max) {
      problems.add(field + " must be 1-" + max + " characters");
      return null;
    }
    // a plain loop: this runs for every field of every ledger entry, and a stream costs several times more here
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        problems.add(field + " must not contain control characters");
        return null;
      }
    }
    return s;
  }
}
