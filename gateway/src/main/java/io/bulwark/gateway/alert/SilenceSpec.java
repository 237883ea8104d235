package io.bulwark.gateway.alert;

import io.bulwark.shared.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The body of {@code POST /alerts/silences} (Alertmanager's shape: {@code matchers} of {@code {name, value, isRegex,
 * isEqual}}, {@code startsAt}, {@code endsAt} or {@code durationSeconds}, {@code comment}) checked and turned into the
 * {@code bulwark.alert.silence.create} message. Refused with 400 {@code validation.failed}: no matchers, names or
 * values out of bounds, a regex that does not compile, matchers that would all match an absent label (a silence of
 * everything, which Alertmanager refuses too), an end not after the start or further than the maximum from it.
 */
public final class SilenceSpec {
  static final int MAX_MATCHERS = 32;
  static final int MAX_COMMENT = 1000;
  private static final Set<String> FIELDS = Set.of("matchers", "startsAt", "endsAt", "durationSeconds", "comment");
  private static final Set<String> MATCHER_FIELDS = Set.of("name", "value", "isRegex", "isEqual");
  /** A start may lie a little in the past (clock skew between the operator's machine and the gateway). */
  private static final Duration PAST_START = Duration.ofMinutes(5);

  private SilenceSpec() {}

  /** The bus message for {@code body}, at {@code now}, created by {@code actor}; ends at most {@code maxLength} after the start. */
  public static JsonObject parse(JsonObject body, Instant now, Duration maxLength, String actor) {
    Set<String> unknown = new TreeSet<>(body.fieldNames());
    unknown.removeAll(FIELDS);
    if (!unknown.isEmpty()) {
      throw ApiException.badRequest("unknown field(s): " + String.join(", ", unknown)
          + " (allowed: comment, durationSeconds, endsAt, matchers, startsAt)");
    }
    JsonArray matchers = matchers(body.getValue("matchers"));
    Instant start = body.getValue("startsAt") == null ? now : instant(body.getValue("startsAt"), "startsAt");
    if (start.isBefore(now.minus(PAST_START))) {
      throw ApiException.badRequest("startsAt must not lie more than 5 minutes in the past");
    }
    Object endsAt = body.getValue("endsAt");
    Object duration = body.getValue("durationSeconds");
    if ((endsAt == null) == (duration == null)) {
      throw ApiException.badRequest("give exactly one of endsAt (an RFC 3339 time) and durationSeconds");
    }
    Instant end;
    if (endsAt != null) {
      end = instant(endsAt, "endsAt");
    } else {
      if (!(duration instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 1
          || n.longValue() > maxLength.toSeconds()) {
        throw ApiException.badRequest("durationSeconds must be a whole number from 1 to " + maxLength.toSeconds());
      }
      end = start.plusSeconds(n.longValue());
    }
    if (!end.isAfter(start) || !end.isAfter(now)) {
      throw ApiException.badRequest("endsAt must be after startsAt and in the future");
    }
    if (Duration.between(start, end).compareTo(maxLength) > 0) {
      throw ApiException.badRequest("a silence may last at most " + maxLength.toDays() + " days");
    }
    Object comment = body.getValue("comment");
    if (!(comment instanceof String c) || c.isBlank() || c.length() > MAX_COMMENT || c.chars().anyMatch(ch -> Character.isISOControl(ch) && ch != '\n')) {
      throw ApiException.badRequest("comment is required: 1-" + MAX_COMMENT + " characters saying why (no control characters)");
    }
    JsonObject msg = new JsonObject().put("matchers", matchers).put("endsAt", end.toString()).put("createdBy", actor)
        .put("comment", c);
    if (body.getValue("startsAt") != null) {
      msg.put("startsAt", start.toString());
    }
    return msg;
  }

  private static JsonArray matchers(Object raw) {
    if (!(raw instanceof JsonArray list) || list.isEmpty() || list.size() > MAX_MATCHERS) {
      throw ApiException.badRequest("matchers must be an array of 1-" + MAX_MATCHERS + " matchers");
    }
    JsonArray out = new JsonArray();
    boolean narrows = false;
    for (int i = 0; i < list.size(); i++) {
      String at = "matchers[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject m)) {
        throw ApiException.badRequest(at + " must be an object {name, value, isRegex, isEqual}");
      }
      Set<String> unknown = new TreeSet<>(m.fieldNames());
      unknown.removeAll(MATCHER_FIELDS);
      if (!unknown.isEmpty()) {
        throw ApiException.badRequest(at + ": unknown field(s): " + String.join(", ", unknown));
      }
      if (!(m.getValue("name") instanceof String name) || !AlertQuery.LABEL_NAME.matcher(name).matches()) {
        throw ApiException.badRequest(at + ".name must be a label name: letters, digits and '_', not starting with a digit,"
            + " at most 128");
      }
      if (!(m.getValue("value") instanceof String value) || value.length() > AlertQuery.MAX_LABEL_VALUE
          || value.chars().anyMatch(Character::isISOControl)) {
        throw ApiException.badRequest(at + ".value must be a string of at most " + AlertQuery.MAX_LABEL_VALUE
            + " characters without control characters");
      }
      boolean regex = flag(m, "isRegex", false, at);
      boolean equal = flag(m, "isEqual", true, at);
      boolean matchesEmpty;
      if (regex) {
        try {
          // Alertmanager anchors silence regexes: the value must match the whole label value
          matchesEmpty = Pattern.compile(value).matcher("").matches();
        } catch (PatternSyntaxException e) {
          throw ApiException.badRequest(at + ".value is not a valid regular expression: " + e.getDescription());
        }
      } else {
        matchesEmpty = value.isEmpty();
      }
      // a matcher that an alert without this label satisfies silences nothing in particular
      narrows |= equal != matchesEmpty;
      out.add(new JsonObject().put("name", name).put("value", value).put("isRegex", regex).put("isEqual", equal));
    }
    if (!narrows) {
      throw ApiException.badRequest("at least one matcher must not match an empty or absent label (it would silence everything)");
    }
    return out;
  }

  private static boolean flag(JsonObject m, String field, boolean fallback, String at) {
    Object v = m.getValue(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Boolean b)) {
      throw ApiException.badRequest(at + "." + field + " must be true or false");
    }
    return b;
  }

  private static Instant instant(Object raw, String field) {
    if (raw instanceof String s && s.length() <= 64) {
      try {
        return java.time.OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeParseException e) {
        // refused below
      }
    }
    throw ApiException.badRequest(field + " must be an RFC 3339 time such as 2026-11-24T08:00:00Z");
  }
}
