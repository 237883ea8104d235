package io.bulwark.alert.rules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a composed YAML node tree and collects every problem as {@code source:line: reason} instead of stopping at the
 * first; a reader method that finds a problem records it and returns null, and callers carry on.
 */
final class YamlReader {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private final String source;
  private final List<String> problems = new ArrayList<>();

  YamlReader(String source) {
    this.source = source;
  }

  List<String> problems() {
    return problems;
  }

  static int line(Node n) {
    return n.getStartMark().getLine() + 1;
  }

  void problem(int line, String reason) {
    problems.add(source + ":" + line + ": " + reason);
  }

  void problem(Node n, String reason) {
    problem(line(n), reason);
  }

  /** A mapping's entries by key (in order); duplicate and non-text keys are problems. */
  Map<String, Node> mapping(Node n, String what) {
    if (!(n instanceof MappingNode m)) {
      problem(n, what + " must be a mapping");
      return null;
    }
    Map<String, Node> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        problem(t.getKeyNode(), what + ": keys must be plain text");
        continue;
      }
      if (out.put(k.getValue(), t.getValueNode()) != null) {
        problem(k, what + ": key '" + k.getValue() + "' appears twice");
      }
    }
    return out;
  }

  /** Reports keys outside {@code allowed} (a typo would otherwise silently change a rule). */
  void onlyKeys(Map<String, Node> map, Set<String> allowed, String what) {
    map.forEach((k, v) -> {
      if (!allowed.contains(k)) {
        problem(v, what + ": unknown key '" + k + "' (allowed: " + String.join(", ", allowed.stream().sorted().toList())
            + ")");
      }
    });
  }

  List<Node> sequence(Node n, String what) {
    if (!(n instanceof SequenceNode s)) {
      problem(n, what + " must be a list");
      return null;
    }
    return s.getValue();
  }

  String text(Node n, String what) {
    if (!(n instanceof ScalarNode s) || s.getValue().isBlank()) {
      problem(n, what + " must be a non-empty text");
      return null;
    }
    return s.getValue().trim();
  }

  Double number(Node n, String what) {
    String t = text(n, what);
    if (t == null) {
      return null;
    }
    try {
      double d = Double.parseDouble(t);
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      problem(n, what + " must be a number (got '" + t + "')");
      return null;
    }
  }

  Integer positiveInt(Node n, String what) {
    Double d = number(n, what);
    if (d == null) {
      return null;
    }
    if (d != Math.rint(d) || d < 1 || d > 1_000_000) {
      problem(n, what + " must be a whole number from 1 to 1000000 (got " + RuleMeta.format(d) + ")");
      return null;
    }
    return d.intValue();
  }

  /** {@code 30s}, {@code 5m}, {@code 1h}, {@code 3d}, {@code 500ms}, {@code 0}. */
  Duration duration(Node n, String what) {
    String t = text(n, what);
    if (t == null) {
      return null;
    }
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = DURATION.matcher(t);
    if (!m.matches()) {
      problem(n, what + " must be a duration such as 30s, 5m, 1h or 3d (got '" + t + "')");
      return null;
    }
    long v = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(v);
      case "s" -> Duration.ofSeconds(v);
      case "m" -> Duration.ofMinutes(v);
      case "h" -> Duration.ofHours(v);
      default -> Duration.ofDays(v);
    };
  }

  Map<String, String> stringMap(Node n, String what) {
    Map<String, Node> m = mapping(n, what);
    if (m == null) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((k, v) -> {
      if (v instanceof ScalarNode s) {
        out.put(k, s.getValue());
      } else {
        problem(v, what + ": value of '" + k + "' must be text");
      }
    });
    return out;
  }

  List<String> stringList(Node n, String what) {
    List<Node> items = sequence(n, what);
    if (items == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Node i : items) {
      String t = text(i, what + " item");
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }
}
