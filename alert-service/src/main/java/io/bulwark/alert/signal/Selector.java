package io.bulwark.alert.signal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A Prometheus series selector, {@code metric{label="v",label=~"re",label!="v",label!~"re"}} and nothing more.
 * Regular expressions are anchored, as in Prometheus; a missing label matches as the empty string.
 */
public record Selector(String metric, List<Matcher> matchers) {

  public Selector {
    matchers = List.copyOf(matchers);
  }

  /** One label condition. */
  public record Matcher(String label, String op, String value, Pattern regex) {
    boolean test(Map<String, String> labels) {
      String actual = labels.getOrDefault(label, "");
      return switch (op) {
        case "=" -> actual.equals(value);
        case "!=" -> !actual.equals(value);
        case "=~" -> regex.matcher(actual).matches();
        default -> !regex.matcher(actual).matches();
      };
    }
  }

  /** True when {@code name} and {@code labels} satisfy the selector. */
  public boolean matches(String name, Map<String, String> labels) {
    if (!metric.equals(name)) {
      return false;
    }
    for (Matcher m : matchers) {
      if (!m.test(labels)) {
        return false;
      }
    }
    return true;
  }

  /** The labels fixed by equality matchers: what {@code absent()} puts on its alert. */
  public Map<String, String> equalities() {
    Map<String, String> out = new TreeMap<>();
    matchers.stream().filter(m -> m.op.equals("=")).forEach(m -> out.put(m.label, m.value));
    return out;
  }

  /** Parses the selector or throws {@link IllegalArgumentException} saying what is wrong. */
  public static Selector parse(String text) {
    String s = text.strip();
    int i = 0;
    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == ':')) {
      i++;
    }
    String metric = s.substring(0, i);
    if (metric.isEmpty() || Character.isDigit(metric.charAt(0))) {
      throw new IllegalArgumentException("selector '" + text + "' does not start with a metric name");
    }
    List<Matcher> matchers = new ArrayList<>();
    if (i == s.length()) {
      return new Selector(metric, matchers);
    }
    if (s.charAt(i) != '{' || !s.endsWith("}")) {
      throw new IllegalArgumentException("selector '" + text + "' must be metric or metric{label=\"value\",...}");
    }
    String body = s.substring(i + 1, s.length() - 1);
    int p = 0;
    while (p < body.length()) {
      while (p < body.length() && (body.charAt(p) == ' ' || body.charAt(p) == ',')) {
        p++;
      }
      if (p >= body.length()) {
        break;
      }
      int start = p;
      while (p < body.length() && (Character.isLetterOrDigit(body.charAt(p)) || body.charAt(p) == '_')) {
        p++;
      }
      String label = body.substring(start, p);
      while (p < body.length() && body.charAt(p) == ' ') {
        p++;
      }
      String op = body.startsWith("=~", p) ? "=~" : body.startsWith("!=", p) ? "!=" : body.startsWith("!~", p) ? "!~"
          : body.startsWith("=", p) ? "=" : null;
      if (label.isEmpty() || op == null) {
        throw new IllegalArgumentException("selector '" + text + "': expected label and one of = != =~ !~ at '"
            + body.substring(start) + "'");
      }
      p += op.length();
      while (p < body.length() && body.charAt(p) == ' ') {
        p++;
      }
      if (p >= body.length() || body.charAt(p) != '"') {
        throw new IllegalArgumentException("selector '" + text + "': value of " + label + " must be in double quotes");
      }
      StringBuilder v = new StringBuilder();
      p++;
      boolean closed = false;
      while (p < body.length()) {
        char c = body.charAt(p++);
        if (c == '\\' && p < body.length()) {
          v.append(body.charAt(p++));
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          v.append(c);
        }
      }
      if (!closed) {
        throw new IllegalArgumentException("selector '" + text + "': unterminated value of " + label);
      }
      Pattern regex = null;
      if (op.contains("~")) {
        try {
          regex = Pattern.compile(v.toString());
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException("selector '" + text + "': bad regular expression for " + label + ": "
              + e.getDescription());
        }
      }
      matchers.add(new Matcher(label, op, v.toString(), regex));
    }
    return new Selector(metric, matchers);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(metric);
    if (!matchers.isEmpty()) {
      b.append('{');
      for (int k = 0; k < matchers.size(); k++) {
        Matcher m = matchers.get(k);
        b.append(k == 0 ? "" : ",").append(m.label).append(m.op).append('"').append(m.value).append('"');
      }
      b.append('}');
    }
    return b.toString();
  }
}
