package io.bulwark.alert.signal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Reads the Prometheus text exposition format 0.0.4 (what Micrometer's {@code scrape()} writes). Comment lines
 * ({@code # HELP}, {@code # TYPE}) are skipped; a line that cannot be read is counted as junk and skipped, so one bad
 * exporter line never costs the rest of the scrape.
 */
public final class PromTextParser {

  private PromTextParser() {
  }

  /** Parses every sample. */
  public static ParsedScrape parse(String text) {
    return parse(text, name -> true);
  }

  /** Parses the samples whose metric name {@code wanted} accepts; others are skipped without parsing their labels. */
  public static ParsedScrape parse(String text, Predicate<String> wanted) {
    List<Sample> samples = new ArrayList<>();
    int junk = 0;
    int pos = 0;
    int len = text.length();
    while (pos < len) {
      int end = text.indexOf('\n', pos);
      if (end < 0) {
        end = len;
      }
      String line = text.substring(pos, end).strip();
      pos = end + 1;
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.indexOf('\u0000') >= 0) {
        // a NUL would reach an alert's labels, which PostgreSQL cannot store: every evaluation would fail on it
        junk++;
        continue;
      }
      try {
        Sample s = line(line, wanted);
        if (s != null) {
          samples.add(s);
        }
      } catch (IllegalArgumentException e) {
        junk++;
      }
    }
    return new ParsedScrape(samples, junk);
  }

  private static Sample line(String line, Predicate<String> wanted) {
    int i = 0;
    int n = line.length();
    while (i < n && isNameChar(line.charAt(i), i == 0)) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException("no metric name");
    }
    String name = line.substring(0, i);
    if (!wanted.test(name)) {
      return null;
    }
    TreeMap<String, String> labels = new TreeMap<>();
    if (i < n && line.charAt(i) == '{') {
      i = labels(line, i + 1, labels);
    }
    if (i >= n || !Character.isWhitespace(line.charAt(i))) {
      throw new IllegalArgumentException("no value");
    }
    String[] rest = line.substring(i).strip().split("\\s+");
    if (rest.length > 2) {
      throw new IllegalArgumentException("trailing text");
    }
    if (rest.length == 2) {
      Long.parseLong(rest[1]); // a timestamp must at least be one
    }
    return new Sample(name, labels, value(rest[0]));
  }

  /** Reads {@code a="x",b="y"} up to and including the closing brace; returns the index after it. */
  private static int labels(String line, int i, TreeMap<String, String> into) {
    int n = line.length();
    while (true) {
      while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == ',')) {
        i++;
      }
      if (i < n && line.charAt(i) == '}') {
        return i + 1;
      }
      int start = i;
      while (i < n && isNameChar(line.charAt(i), i == start)) {
        i++;
      }
      if (i == start || i >= n || line.charAt(i) != '=' || i + 1 >= n || line.charAt(i + 1) != '"') {
        throw new IllegalArgumentException("bad label");
      }
      String label = line.substring(start, i);
      i += 2;
      StringBuilder v = new StringBuilder();
      while (true) {
        if (i >= n) {
          throw new IllegalArgumentException("unterminated label value");
        }
        char c = line.charAt(i++);
        if (c == '"') {
          break;
        }
        if (c == '\\') {
          if (i >= n) {
            throw new IllegalArgumentException("dangling escape");
          }
          char e = line.charAt(i++);
          v.append(switch (e) {
            case 'n' -> '\n';
            case '\\' -> '\\';
            case '"' -> '"';
            default -> throw new IllegalArgumentException("bad escape");
          });
        } else {
          v.append(c);
        }
      }
      into.put(label, v.toString());
    }
  }

  private static final Set<String> POS_INF = Set.of("+Inf", "Inf", "+inf", "inf");

  /** A sample value or {@code le} bound as the format writes it (+Inf, -Inf, NaN, decimals, exponents). */
  public static double number(String text) {
    return value(text);
  }

  static double value(String text) {
    if (POS_INF.contains(text)) {
      return Double.POSITIVE_INFINITY;
    }
    if (text.equals("-Inf") || text.equals("-inf")) {
      return Double.NEGATIVE_INFINITY;
    }
    if (text.equalsIgnoreCase("NaN")) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad value");
    }
  }

  private static boolean isNameChar(char c, boolean first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
  }
}
