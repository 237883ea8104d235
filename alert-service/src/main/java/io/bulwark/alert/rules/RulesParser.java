package io.bulwark.alert.rules;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Turns a rules file into a {@link RuleSet}, or a {@link RulesFileException} naming the line and reason of every
 * problem. Top level: {@code rules} (list), {@code inhibit} (list), {@code defaults} ({@code objective}).
 */
public final class RulesParser {
  static final Set<String> TOP = Set.of("rules", "inhibit", "defaults");
  static final Set<String> COMMON = Set.of("name", "kind", "severity", "labels", "summary", "for", "by");
  static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
  /** A rules file is a few kilobytes; bounded so a wrong path cannot make the parser chew a huge file. */
  public static final int MAX_CHARS = 1024 * 1024;

  private RulesParser() {
  }

  public static RuleSet parse(String text, String source, double timeScale) {
    YamlReader y = new YamlReader(source);
    if (text.length() > MAX_CHARS) {
      throw new RulesFileException(source, List.of(source + ":1: larger than " + MAX_CHARS + " characters"));
    }
    Node root;
    try {
      LoaderOptions opts = new LoaderOptions();
      opts.setAllowDuplicateKeys(true); // reported by YamlReader with their line
      root = new Yaml(opts).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
      throw new RulesFileException(source, List.of(source + ":" + line + ": not valid YAML: " + e.getProblem()));
    } catch (YAMLException e) {
      throw new RulesFileException(source, List.of(source + ":1: not valid YAML: " + e.getMessage()));
    }
    if (root == null) {
      throw new RulesFileException(source, List.of(source + ":1: the file is empty; it needs a 'rules:' list"));
    }
    Map<String, Node> top = y.mapping(root, "the file");
    List<Rule> rules = new ArrayList<>();
    List<Inhibition> inhibitions = new ArrayList<>();
    if (top != null) {
      y.onlyKeys(top, TOP, "top level");
      Double objective = 99.5;
      if (top.containsKey("defaults")) {
        Map<String, Node> d = y.mapping(top.get("defaults"), "defaults");
        if (d != null) {
          y.onlyKeys(d, Set.of("objective"), "defaults");
          if (d.containsKey("objective")) {
            objective = RuleKinds.objective(y, d.get("objective"));
          }
        }
      }
      if (!top.containsKey("rules")) {
        y.problem(root, "a 'rules:' list is required");
      } else {
        List<Node> items = y.sequence(top.get("rules"), "rules");
        Set<String> names = new HashSet<>();
        RuleKinds kinds = new RuleKinds(y, timeScale, objective == null ? 99.5 : objective);
        for (Node item : items == null ? List.<Node>of() : items) {
          Rule r = rule(y, kinds, item);
          if (r != null && !names.add(r.meta().name())) {
            y.problem(item, "rule name '" + r.meta().name() + "' is used by an earlier rule");
          } else if (r != null) {
            rules.add(r);
          }
        }
      }
      if (top.containsKey("inhibit")) {
        List<Node> items = y.sequence(top.get("inhibit"), "inhibit");
        for (Node item : items == null ? List.<Node>of() : items) {
          Inhibition i = inhibition(y, item);
          if (i != null) {
            inhibitions.add(i);
          }
        }
      }
    }
    if (!y.problems().isEmpty()) {
      throw new RulesFileException(source, y.problems());
    }
    return new RuleSet(source, rules, inhibitions);
  }

  private static Rule rule(YamlReader y, RuleKinds kinds, Node item) {
    Map<String, Node> m = y.mapping(item, "a rule");
    if (m == null) {
      return null;
    }
    int before = y.problems().size();
    String name = m.containsKey("name") ? y.text(m.get("name"), "name") : null;
    if (!m.containsKey("name")) {
      y.problem(item, "a rule needs a name");
    } else if (name != null && !name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
      y.problem(m.get("name"), "rule name '" + name + "' must be letters, digits and _ (it becomes alertname)");
    }
    String what = "rule " + (name == null ? "?" : name);
    String kind = m.containsKey("kind") ? y.text(m.get("kind"), what + ": kind") : null;
    if (!m.containsKey("kind")) {
      y.problem(item, what + ": kind is required (one of " + String.join(", ", RuleKinds.KINDS.keySet()) + ")");
    }
    String severity = "critical";
    if (m.containsKey("severity")) {
      severity = y.text(m.get("severity"), what + ": severity");
      if (severity != null && !SEVERITIES.contains(severity)) {
        y.problem(m.get("severity"), what + ": severity must be critical, warning or info (got '" + severity + "')");
      }
    } else if (!"burn_rate".equals(kind)) {
      y.problem(item, what + ": severity is required (critical, warning or info)");
    }
    Map<String, String> labels = m.containsKey("labels") ? y.stringMap(m.get("labels"), what + ": labels") : Map.of();
    if (labels != null && (labels.containsKey("alertname") || labels.containsKey("severity"))) {
      y.problem(m.get("labels"), what + ": labels must not set alertname or severity (they come from name and severity)");
    }
    String summary = m.containsKey("summary") ? y.text(m.get("summary"), what + ": summary") : name;
    Duration forDuration = m.containsKey("for") ? y.duration(m.get("for"), what + ": for") : Duration.ZERO;
    List<String> by = m.containsKey("by") ? y.stringList(m.get("by"), what + ": by") : List.of();
    if (kind != null && !RuleKinds.KINDS.containsKey(kind)) {
      y.problem(m.get("kind"), what + ": unknown kind '" + kind + "' (one of " + String.join(", ",
          RuleKinds.KINDS.keySet()) + ")");
      return null;
    }
    if (kind == null) {
      return null;
    }
    Set<String> allowed = new HashSet<>(COMMON);
    allowed.addAll(RuleKinds.KINDS.get(kind));
    y.onlyKeys(m, allowed, what);
    // the kind's own fields are checked even when common ones are wrong, so one pass reports everything
    boolean commonBad = y.problems().size() > before;
    RuleMeta meta = new RuleMeta(name == null ? "?" : name, severity == null ? "critical" : severity,
        labels == null ? Map.of() : labels, summary == null ? String.valueOf(name) : summary,
        TimeScale.apply(forDuration == null ? Duration.ZERO : forDuration, kinds.scale()), by == null ? List.of() : by);
    Rule rule = kinds.build(kind, meta, m, item, what);
    return commonBad ? null : rule;
  }

  private static Inhibition inhibition(YamlReader y, Node item) {
    Map<String, Node> m = y.mapping(item, "an inhibit entry");
    if (m == null) {
      return null;
    }
    y.onlyKeys(m, Set.of("source", "target", "equal"), "inhibit");
    if (!m.containsKey("source") || !m.containsKey("target")) {
      y.problem(item, "inhibit: source and target are required (label: value mappings)");
      return null;
    }
    Map<String, String> source = y.stringMap(m.get("source"), "inhibit: source");
    Map<String, String> target = y.stringMap(m.get("target"), "inhibit: target");
    List<String> equal = m.containsKey("equal") ? y.stringList(m.get("equal"), "inhibit: equal") : List.of();
    if (source == null || target == null || equal == null) {
      return null;
    }
    return new Inhibition(source, target, equal);
  }
}
