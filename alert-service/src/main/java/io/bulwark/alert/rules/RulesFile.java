package io.bulwark.alert.rules;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.shared.config.PolledFile;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules in force: the built-in default rules, or a file polled through {@link PolledFile}. A valid change swaps
 * the whole {@link RuleSet}; an invalid or missing file is reported once and the last good rules stay. This class owns
 * the rules reload metric and log lines.
 */
public final class RulesFile {
  public static final String FILE_KEY = "BULWARK_ALERT_RULES_FILE";
  public static final String POLL_KEY = "BULWARK_ALERT_RULES_POLL_MS";
  public static final String DEFAULT_RESOURCE = "rules/default-rules.yaml";
  public static final String RELOADS = "bulwark.alert.rules.reloads";
  static final long MAX_BYTES = RulesParser.MAX_CHARS;
  private static final Logger LOG = LoggerFactory.getLogger(RulesFile.class);

  private final PolledFile<RuleSet> polled;
  private final Counter applied;
  private final Counter rejected;

  private RulesFile(PolledFile<RuleSet> polled, MeterRegistry registry) {
    this.polled = polled;
    this.applied = registry == null ? null : Counter.builder(RELOADS).tag("result", "applied")
        .description("Rules file reloads by result").register(registry);
    this.rejected = registry == null ? null : Counter.builder(RELOADS).tag("result", "rejected")
        .description("Rules file reloads by result").register(registry);
  }

  /** The built-in rules (classpath {@value #DEFAULT_RESOURCE}); they never change. */
  public static RuleSet defaults(double scale) {
    try (InputStream in = RulesFile.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULT_RESOURCE + " is missing from the classpath");
      }
      return RulesParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + DEFAULT_RESOURCE,
          scale);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, e);
    }
  }

  /**
   * Loads {@code file} (null: the built-in rules, not polled) and polls it every {@code pollMs}. Fails with a
   * {@link RulesFileException} listing every problem when the file is missing or invalid, so start-up is refused.
   */
  public static Future<RulesFile> load(Vertx vertx, Path file, double scale, long pollMs, MeterRegistry registry) {
    if (file == null) {
      return vertx.executeBlocking(() -> new RulesFile(PolledFile.fixed(defaults(scale)), registry), false)
          .onSuccess(rf -> LOG.info("built-in alert rules loaded", kv("rules", rf.current().names())));
    }
    String source = file.toString();
    return PolledFile.load(vertx, file, MAX_BYTES, (text, src) -> RulesParser.parse(text, src, scale),
            problems -> new RulesFileException(source, problems))
        .map(pf -> {
          RulesFile rf = new RulesFile(pf, registry);
          LOG.info("alert rules loaded", kv("file", source), kv("rules", rf.current().names()));
          pf.startPolling(pollMs, rf::applied, rf::rejected);
          return rf;
        });
  }

  /** The rules in force. */
  public RuleSet current() {
    return polled.current();
  }

  /** Called (on a Vert.x thread) with each valid new rule set, just before it comes into force. */
  public void onChange(Consumer<RuleSet> listener) {
    polled.onChange(listener);
  }

  /** Stops polling; completes once a poll in progress has finished. */
  public Future<Void> close() {
    return polled.close();
  }

  private void applied(RuleSet previous, RuleSet set) {
    count(applied);
    LOG.info("alert rules reloaded", kv("file", String.valueOf(polled.file())), kv("rules", set.names()));
  }

  private void rejected(List<String> problems) {
    count(rejected);
    LOG.warn("alert rules file rejected; the previous rules stay in force", kv("file", String.valueOf(polled.file())),
        kv("problems", problems));
  }

  private static void count(Counter c) {
    if (c != null) {
      c.increment();
    }
  }
}
