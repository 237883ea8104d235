package io.bulwark.alert.rules;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the rules in force against the signals. A rule that throws is counted and logged (once until it recovers)
 * and never stops the others. Setting a rule set also tells the sample store which metrics to keep and the event
 * counter which events to count.
 */
public final class RuleEngine {
  public static final String DURATION = "bulwark.alert.rule.evaluation.duration";
  public static final String FAILURES = "bulwark.alert.rule.evaluation.failures";
  private static final Logger LOG = LoggerFactory.getLogger(RuleEngine.class);

  private final Signals signals;
  private final MeterRegistry registry;
  private final Timer duration;
  private final Map<String, Boolean> failing = new ConcurrentHashMap<>();
  private volatile RuleSet rules;

  public RuleEngine(RuleSet initial, Signals signals, MeterRegistry registry) {
    this.signals = signals;
    this.registry = registry;
    this.duration = registry == null ? null : Timer.builder(DURATION).description("Time to evaluate all alert rules")
        .register(registry);
    use(initial);
  }

  /** Puts {@code next} in force (call from {@link RulesFile#onChange}). */
  public void use(RuleSet next) {
    signals.store().want(next.metricNames());
    if (signals.events() != null) {
      signals.events().watch(next.watches());
    }
    rules = next;
  }

  public RuleSet rules() {
    return rules;
  }

  /**
   * The rules whose last evaluation threw: their alerts must be left as they are rather than resolved because the rule
   * said nothing.
   */
  public java.util.Set<String> failing() {
    return java.util.Set.copyOf(failing.keySet());
  }

  /** The firings of every rule at {@code now}; also forgets series gone for long. */
  public List<Firing> evaluate(Instant now) {
    long started = System.nanoTime();
    RuleSet set = rules;
    List<Firing> out = new ArrayList<>();
    for (Rule rule : set.rules()) {
      String name = rule.meta().name();
      try {
        out.addAll(rule.evaluate(signals, now));
        if (failing.remove(name) != null) {
          LOG.info("alert rule evaluates again", kv("rule", name));
        }
      } catch (RuntimeException e) {
        if (registry != null) {
          Counter.builder(FAILURES).description("Alert rule evaluations that failed").tag("rule", name)
              .register(registry).increment();
        }
        if (failing.put(name, true) == null) {
          LOG.warn("alert rule evaluation failed", kv("rule", name), e);
        }
      }
    }
    signals.store().evict(now);
    if (duration != null) {
      duration.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    return out;
  }
}
