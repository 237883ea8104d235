package io.bulwark.alert.lifecycle;

import io.bulwark.shared.http.ApiException;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One Alertmanager matcher: {@code name}, {@code value}, {@code isRegex} (the value is a regular expression matched
 * against the whole label value) and {@code isEqual} (false negates). A missing label matches as "". Silences give it
 * as JSON ({@link #fromJson}), routes of the receivers file as text ({@link #parse}: {@code name="value"},
 * {@code name!="value"}, {@code name=~"regex"}, {@code name!~"regex"}, quotes optional).
 */
public record LabelMatcher(String name, String value, boolean isRegex, boolean isEqual, Pattern pattern) {
  static final int MAX_LENGTH = 1024;
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]{0,127}");
  private static final Pattern SYNTAX = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*(.*?)\\s*");

  /** Parses one matcher of a route; throws {@link IllegalArgumentException} with the reason. */
  public static LabelMatcher parse(String text) {
    java.util.regex.Matcher m = SYNTAX.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a matcher (expected name=\"value\", name!=\"value\", "
          + "name=~\"regex\" or name!~\"regex\")");
    }
    String op = m.group(2);
    String value = m.group(3);
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      value = value.substring(1, value.length() - 1).replace("\\\"", "\"");
    }
    boolean regex = op.endsWith("~");
    Pattern pattern = null;
    if (regex) {
      try {
        pattern = Pattern.compile(value);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("'" + text + "' has a bad regex: " + e.getDescription());
      }
    }
    return new LabelMatcher(m.group(1), value, regex, op.startsWith("="), pattern);
  }

  public static LabelMatcher fromJson(Object o) {
    if (!(o instanceof JsonObject j)) {
      throw ApiException.badRequest("each matcher must be an object {name, value, isRegex, isEqual}");
    }
    Object name = j.getValue("name");
    Object value = j.getValue("value");
    if (!(name instanceof String n) || !NAME.matcher(n).matches()) {
      throw ApiException.badRequest("matcher name must be a label name ([a-zA-Z_][a-zA-Z0-9_]*, at most 128)");
    }
    if (!(value instanceof String v) || v.length() > MAX_LENGTH) {
      throw ApiException.badRequest("matcher " + n + ": value must be a string of at most " + MAX_LENGTH + " characters");
    }
    boolean regex = flag(j, "isRegex", false, n);
    boolean equal = flag(j, "isEqual", true, n);
    Pattern p = null;
    if (regex) {
      try {
        p = Pattern.compile(v);
      } catch (PatternSyntaxException e) {
        throw ApiException.badRequest("matcher " + n + ": value is not a valid regular expression: " + e.getDescription());
      }
    }
    return new LabelMatcher(n, v, regex, equal, p);
  }

  private static boolean flag(JsonObject j, String field, boolean fallback, String name) {
    Object f = j.getValue(field);
    if (f == null) {
      return fallback;
    }
    if (!(f instanceof Boolean b)) {
      throw ApiException.badRequest("matcher " + name + ": " + field + " must be true or false");
    }
    return b;
  }

  public boolean matches(Map<String, String> labels) {
    String actual = labels.getOrDefault(name, "");
    boolean hit = isRegex ? pattern.matcher(actual).matches() : value.equals(actual);
    return hit == isEqual;
  }

  /** The route syntax: {@code name="value"}, {@code name!~"regex"}... */
  @Override
  public String toString() {
    String op = isEqual ? (isRegex ? "=~" : "=") : (isRegex ? "!~" : "!=");
    return name + op + "\"" + value + "\"";
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("value", value).put("isRegex", isRegex).put("isEqual", isEqual);
  }
}
