package io.bulwark.alert.rules;

import io.bulwark.alert.signal.EventCounter;
import io.bulwark.alert.signal.EventWatch;
import io.bulwark.alert.signal.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Builds each kind of rule from its YAML fields, recording problems with their lines. */
final class RuleKinds {
  static final Map<String, Set<String>> KINDS = new LinkedHashMap<>();

  static {
    KINDS.put("threshold", Set.of("rate", "increase", "ratio", "gauge", "age", "absent", "window", "aggregate", "op",
        "value"));
    KINDS.put("latency", Set.of("buckets", "quantile", "window", "op", "value"));
    KINDS.put("burn_rate", Set.of("errors", "good", "total", "objective", "windows", "severity_page",
        "severity_ticket"));
    KINDS.put("flap", Set.of("failures", "window", "instances"));
    KINDS.put("event_spike", Set.of("source", "match", "group_by", "count", "window"));
    KINDS.put("event", Set.of("source", "match", "group_by", "hold", "clear"));
  }

  private static final List<String> SIGNALS = List.of("rate", "increase", "ratio", "gauge", "age", "absent");

  private final YamlReader y;
  private final double scale;
  private final double defaultObjective;

  RuleKinds(YamlReader y, double scale, double defaultObjective) {
    this.y = y;
    this.scale = scale;
    this.defaultObjective = defaultObjective;
  }

  double scale() {
    return scale;
  }

  Rule build(String kind, RuleMeta meta, Map<String, Node> m, Node at, String what) {
    int before = y.problems().size();
    Rule r = switch (kind) {
      case "threshold" -> threshold(meta, m, at, what);
      case "latency" -> latency(meta, m, at, what);
      case "burn_rate" -> burnRate(meta, m, at, what);
      case "flap" -> flap(meta, m, what);
      case "event_spike" -> eventSpike(meta, m, at, what);
      default -> event(meta, m, at, what);
    };
    return y.problems().size() > before ? null : r;
  }

  private Rule threshold(RuleMeta meta, Map<String, Node> m, Node at, String what) {
    List<String> given = SIGNALS.stream().filter(m::containsKey).toList();
    if (given.size() != 1) {
      y.problem(at, what + ": a threshold rule needs exactly one of " + String.join(", ", SIGNALS) + " (got "
          + (given.isEmpty() ? "none" : String.join(", ", given)) + ")");
      return null;
    }
    String s = given.get(0);
    ThresholdRule.Signal signal = ThresholdRule.Signal.valueOf(s.toUpperCase(Locale.ROOT));
    Selector sel = null;
    Selector den = null;
    if (signal == ThresholdRule.Signal.RATIO) {
      Map<String, Node> r = y.mapping(m.get("ratio"), what + ": ratio");
      if (r != null) {
        y.onlyKeys(r, Set.of("numerator", "denominator"), what + ": ratio");
        sel = selector(r.get("numerator"), m.get("ratio"), what + ": ratio numerator");
        den = selector(r.get("denominator"), m.get("ratio"), what + ": ratio denominator");
      }
    } else {
      sel = selector(m.get(s), at, what + ": " + s);
    }
    boolean windowed = signal != ThresholdRule.Signal.GAUGE && signal != ThresholdRule.Signal.AGE;
    Duration window = Duration.ZERO;
    String windowText = "instant";
    if (windowed) {
      window = required(m, "window", at, what) == null ? null : y.duration(m.get("window"), what + ": window");
      windowText = text(m.get("window"));
      if (Duration.ZERO.equals(window) && signal != ThresholdRule.Signal.RATIO) {
        y.problem(m.get("window"), what + ": window must be longer than 0 (only a ratio of gauges uses 0)");
      }
    } else if (m.containsKey("window")) {
      y.problem(m.get("window"), what + ": window does not apply to " + s);
    }
    ThresholdRule.Aggregate agg = ThresholdRule.Aggregate.MAX;
    if (m.containsKey("aggregate")) {
      String a = y.text(m.get("aggregate"), what + ": aggregate");
      try {
        agg = ThresholdRule.Aggregate.valueOf(String.valueOf(a).toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        y.problem(m.get("aggregate"), what + ": aggregate must be sum, max, min, avg or count_zero");
      }
      if (windowed) {
        y.problem(m.get("aggregate"), what + ": aggregate applies to gauge and age only (rates are summed)");
      }
    }
    Op op = Op.GT;
    double value = 0;
    if (signal != ThresholdRule.Signal.ABSENT) {
      op = op(m, what);
      Double v = required(m, "value", at, what) == null ? null : y.number(m.get("value"), what + ": value");
      value = v == null ? 0 : v;
    } else if (m.containsKey("op") || m.containsKey("value")) {
      y.problem(at, what + ": absent takes no op or value (it fires when no sample came for the window)");
    }
    if (window == null) {
      return null;
    }
    return new ThresholdRule(meta, signal, sel, den, TimeScale.apply(window, scale), windowText, agg, op, value);
  }

  private Rule latency(RuleMeta meta, Map<String, Node> m, Node at, String what) {
    Selector sel = selector(m.get("buckets"), at, what + ": buckets");
    if (sel != null && !sel.metric().endsWith("_bucket")) {
      y.problem(m.get("buckets"), what + ": buckets must select a histogram's _bucket series");
    }
    Double q = required(m, "quantile", at, what) == null ? null : y.number(m.get("quantile"), what + ": quantile");
    if (q != null && (q <= 0 || q >= 1)) {
      y.problem(m.get("quantile"), what + ": quantile must be between 0 and 1 exclusive, e.g. 0.95");
    }
    Duration window = required(m, "window", at, what) == null ? null : y.duration(m.get("window"), what + ": window");
    Double v = required(m, "value", at, what) == null ? null : y.number(m.get("value"), what + ": value");
    Op op = op(m, what);
    if (sel == null || q == null || window == null || v == null) {
      return null;
    }
    return new LatencyRule(meta, sel, q, TimeScale.apply(window, scale), text(m.get("window")), op, v);
  }

  private Rule burnRate(RuleMeta meta, Map<String, Node> m, Node at, String what) {
    if (m.containsKey("errors") == m.containsKey("good")) {
      y.problem(at, what + ": a burn_rate rule needs exactly one of errors or good");
      return null;
    }
    Selector errors = m.containsKey("errors") ? selector(m.get("errors"), at, what + ": errors") : null;
    Selector good = m.containsKey("good") ? selector(m.get("good"), at, what + ": good") : null;
    Selector total = selector(m.get("total"), at, what + ": total");
    Double objective = m.containsKey("objective") ? objective(y, m.get("objective")) : (Double) defaultObjective;
    List<BurnRateRule.WindowPair> pairs = m.containsKey("windows") ? windows(m.get("windows"), what)
        : BurnRateRule.defaultWindows(scale);
    Map<String, String> sev = new LinkedHashMap<>();
    sev.put("page", severity(m, "severity_page", "critical", what));
    sev.put("ticket", severity(m, "severity_ticket", "warning", what));
    if (total == null || objective == null || pairs == null || (errors == null && good == null)) {
      return null;
    }
    return new BurnRateRule(meta, errors, good, total, objective, pairs, sev);
  }

  private List<BurnRateRule.WindowPair> windows(Node n, String what) {
    List<Node> items = y.sequence(n, what + ": windows");
    if (items == null) {
      return null;
    }
    List<BurnRateRule.WindowPair> out = new ArrayList<>();
    for (Node item : items) {
      Map<String, Node> w = y.mapping(item, what + ": windows item");
      if (w == null) {
        continue;
      }
      y.onlyKeys(w, Set.of("class", "long", "short", "factor"), what + ": windows item");
      String cls = required(w, "class", item, what) == null ? null : y.text(w.get("class"), what + ": class");
      if (cls != null && !cls.equals("page") && !cls.equals("ticket")) {
        y.problem(w.get("class"), what + ": class must be page or ticket");
      }
      Duration l = required(w, "long", item, what) == null ? null : y.duration(w.get("long"), what + ": long");
      Duration s = required(w, "short", item, what) == null ? null : y.duration(w.get("short"), what + ": short");
      Double f = required(w, "factor", item, what) == null ? null : y.number(w.get("factor"), what + ": factor");
      if (l != null && s != null && s.compareTo(l) >= 0) {
        y.problem(item, what + ": the short window must be shorter than the long one");
      }
      if (cls != null && l != null && s != null && f != null) {
        out.add(BurnRateRule.pair(cls, text(w.get("long")), l, text(w.get("short")), s, f, scale));
      }
    }
    return out;
  }

  private Rule flap(RuleMeta meta, Map<String, Node> m, String what) {
    Integer failures = m.containsKey("failures") ? y.positiveInt(m.get("failures"), what + ": failures") : (Integer) 3;
    Duration window = m.containsKey("window") ? y.duration(m.get("window"), what + ": window") : Duration.ofMinutes(5);
    Pattern instances = null;
    if (m.containsKey("instances")) {
      String re = y.text(m.get("instances"), what + ": instances");
      try {
        instances = re == null ? null : Pattern.compile(re);
      } catch (PatternSyntaxException e) {
        y.problem(m.get("instances"), what + ": instances is not a valid regular expression: " + e.getDescription());
      }
    }
    if (failures == null || window == null) {
      return null;
    }
    return new FlapRule(meta, failures, TimeScale.apply(window, scale), m.containsKey("window")
        ? text(m.get("window")) : "5m", instances);
  }

  private Rule eventSpike(RuleMeta meta, Map<String, Node> m, Node at, String what) {
    Integer count = required(m, "count", at, what) == null ? null : y.positiveInt(m.get("count"), what + ": count");
    Duration window = required(m, "window", at, what) == null ? null : y.duration(m.get("window"), what + ": window");
    EventWatch watch = window == null ? null : watch(meta, m, at, what, null, TimeScale.apply(window, scale));
    if (count == null || watch == null) {
      return null;
    }
    return new EventSpikeRule(meta, watch, count, TimeScale.apply(window, scale), text(m.get("window")));
  }

  private Rule event(RuleMeta meta, Map<String, Node> m, Node at, String what) {
    Duration hold = required(m, "hold", at, what) == null ? null : y.duration(m.get("hold"), what + ": hold");
    Map<String, String> clear = m.containsKey("clear") ? y.stringMap(m.get("clear"), what + ": clear") : null;
    EventWatch watch = hold == null ? null : watch(meta, m, at, what, clear, TimeScale.apply(hold, scale));
    if (watch == null) {
      return null;
    }
    return new EventRule(meta, watch, TimeScale.apply(hold, scale), text(m.get("hold")));
  }

  private EventWatch watch(RuleMeta meta, Map<String, Node> m, Node at, String what, Map<String, String> clear,
      Duration keep) {
    String source = required(m, "source", at, what) == null ? null : y.text(m.get("source"), what + ": source");
    if (source != null && !EventCounter.SOURCES.containsKey(source)) {
      y.problem(m.get("source"), what + ": source must be one of " + String.join(", ",
          EventCounter.SOURCES.keySet().stream().sorted().toList()));
      return null;
    }
    Map<String, String> match = m.containsKey("match") ? y.stringMap(m.get("match"), what + ": match") : Map.of();
    String groupBy = m.containsKey("group_by") ? y.text(m.get("group_by"), what + ": group_by") : null;
    if (source == null || match == null) {
      return null;
    }
    // the id changes with the definition, so a reload that changes a rule starts its counts afresh
    String id = meta.name() + "#" + java.util.Objects.hash(source, match, groupBy, clear, keep);
    return new EventWatch(id, source, match, groupBy, clear, keep);
  }

  static Double objective(YamlReader y, Node n) {
    Double o = y.number(n, "objective");
    if (o != null && (o <= 0 || o >= 100)) {
      y.problem(n, "objective is a percentage between 0 and 100 exclusive, e.g. 99.5 (got " + RuleMeta.format(o) + ")");
      return null;
    }
    return o;
  }

  private String severity(Map<String, Node> m, String key, String fallback, String what) {
    if (!m.containsKey(key)) {
      return fallback;
    }
    String s = y.text(m.get(key), what + ": " + key);
    if (s != null && !RulesParser.SEVERITIES.contains(s)) {
      y.problem(m.get(key), what + ": " + key + " must be critical, warning or info");
    }
    return s;
  }

  private Op op(Map<String, Node> m, String what) {
    if (!m.containsKey("op")) {
      return Op.GT;
    }
    String t = y.text(m.get("op"), what + ": op");
    Op op = t == null ? null : Op.of(t);
    if (t != null && op == null) {
      y.problem(m.get("op"), what + ": op must be one of > >= < <= == != (got '" + t + "')");
    }
    return op == null ? Op.GT : op;
  }

  private Selector selector(Node n, Node parent, String what) {
    if (n == null) {
      y.problem(parent, what + " is required");
      return null;
    }
    String t = y.text(n, what);
    if (t == null) {
      return null;
    }
    try {
      return Selector.parse(t);
    } catch (IllegalArgumentException e) {
      y.problem(n, what + ": " + e.getMessage());
      return null;
    }
  }

  private Node required(Map<String, Node> m, String key, Node at, String what) {
    Node n = m.get(key);
    if (n == null) {
      y.problem(at, what + ": " + key + " is required");
    }
    return n;
  }

  private static String text(Node n) {
    return n instanceof ScalarNode s ? s.getValue().trim() : "";
  }
}
