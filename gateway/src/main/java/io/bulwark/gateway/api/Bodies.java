package io.bulwark.gateway.api;

import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** Strict reading of JSON request bodies: the right content type, an object, only known fields, typed values. */
final class Bodies {
  private Bodies() {}

  /** The body as an object; an absent body is an empty object unless {@code required}. */
  static JsonObject object(RoutingContext ctx, Set<String> allowed, boolean required) {
    Buffer raw = ctx.body().buffer();
    if (raw == null || raw.length() == 0) {
      if (required) {
        throw new ApiException(400, ErrorCodes.MALFORMED_JSON, "a JSON object body is required");
      }
      return new JsonObject();
    }
    String contentType = ctx.request().getHeader("Content-Type");
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new ApiException(415, ErrorCodes.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json");
    }
    JsonObject body;
    try {
      Object parsed = Buffer.buffer(raw.getBytes()).toJsonValue();
      if (!(parsed instanceof JsonObject o)) {
        throw new ApiException(400, ErrorCodes.MALFORMED_JSON, "request body must be a JSON object");
      }
      body = o;
    } catch (DecodeException e) {
      throw new ApiException(400, ErrorCodes.MALFORMED_JSON, "request body is not valid JSON");
    }
    Set<String> unknown = new TreeSet<>(body.fieldNames());
    unknown.removeAll(allowed);
    if (!unknown.isEmpty()) {
      throw new ApiException(400, ErrorCodes.VALIDATION_FAILED, "unknown field(s): " + String.join(", ", unknown)
          + (allowed.isEmpty() ? "" : " (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")"));
    }
    return body;
  }

  static String string(JsonObject body, String field, boolean required, int maxLength) {
    Object v = body.getValue(field);
    if (v == null) {
      if (required) {
        throw new ApiException(400, ErrorCodes.VALIDATION_FAILED, field + " is required");
      }
      return null;
    }
    if (!(v instanceof String s) || s.isBlank() || s.length() > maxLength || s.chars().anyMatch(Character::isISOControl)) {
      throw new ApiException(400, ErrorCodes.VALIDATION_FAILED, field + " must be a non-blank string of at most " + maxLength
          + " characters without control characters");
    }
    return s;
  }

  static Long number(JsonObject body, String field, long min, long max) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < min || n.doubleValue() > max) {
      throw new ApiException(400, ErrorCodes.VALIDATION_FAILED, field + " must be a whole number from " + min + " to " + max);
    }
    return n.longValue();
  }
}
