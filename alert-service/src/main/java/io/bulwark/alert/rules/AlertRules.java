package io.bulwark.alert.rules;

import io.bulwark.alert.signal.EventCounter;
import io.bulwark.alert.signal.SampleStore;
import io.bulwark.alert.signal.TargetScraper;
import io.bulwark.alert.signal.Targets;
import io.bulwark.shared.config.ServiceConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Rules and signals wired together for alert-service: the rules file (polled), the sample store, the scraper of the
 * targets, the bus event counter and the engine. {@link #start} refuses to start on a bad rules file.
 */
public final class AlertRules {
  private final RulesSettings settings;
  private final RulesFile rulesFile;
  private final SampleStore store;
  private final TargetScraper scraper;
  private final EventCounter events;
  private final RuleEngine engine;

  private AlertRules(RulesSettings settings, RulesFile rulesFile, SampleStore store, TargetScraper scraper,
      EventCounter events, RuleEngine engine) {
    this.settings = settings;
    this.rulesFile = rulesFile;
    this.store = store;
    this.scraper = scraper;
    this.events = events;
    this.engine = engine;
  }

  /**
   * Loads the rules, subscribes to the bus events and starts scraping. {@code defaultTargets} gives the targets when
   * {@code BULWARK_ALERT_TARGETS} is unset (the suite: its bound management ports; alone: {@link Targets#localDefault}).
   */
  public static Future<AlertRules> start(Vertx vertx, ServiceConfig config, MeterRegistry registry,
      Supplier<Map<String, String>> defaultTargets, Clock clock) {
    RulesSettings s;
    Map<String, URI> targets;
    try {
      s = RulesSettings.from(config);
      targets = Targets.fromConfig(config, defaultTargets);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return RulesFile.load(vertx, s.rulesFile(), s.timeScale(), s.rulesPollMs(), registry).compose(rf -> {
      SampleStore store = new SampleStore(SampleStore.Tiers.forInterval(s.scrapeInterval()), s.maxSeries(),
          s.evictAfter(), registry);
      TargetScraper scraper = new TargetScraper(vertx, targets, store, s.scrapeInterval(), clock, registry);
      EventCounter events = new EventCounter(clock);
      RuleEngine engine = new RuleEngine(rf.current(), new Signals(store, scraper.readiness(), events, s.staleness()),
          registry);
      rf.onChange(engine::use);
      AlertRules rules = new AlertRules(s, rf, store, scraper, events, engine);
      return events.start(vertx).compose(v -> scraper.start()).map(rules)
          .recover(e -> rules.stop().transform(ar -> Future.failedFuture(e)));
    });
  }

  /** The firings of every rule now ({@code for} already scaled on each; the lifecycle applies it). */
  public List<Firing> evaluate(Instant now) {
    return engine.evaluate(now);
  }

  /** {@code listener} runs after each scrape round (see {@link TargetScraper#onRound}). */
  public void onScrapeRound(Runnable listener) {
    scraper.onRound(listener);
  }

  /** Rules whose last evaluation failed (see {@link RuleEngine#failing}). */
  public java.util.Set<String> failing() {
    return engine.failing();
  }

  /** The inhibitions of the rules in force. */
  public List<Inhibition> inhibitions() {
    return engine.rules().inhibitions();
  }

  public RuleEngine engine() {
    return engine;
  }

  public RulesSettings settings() {
    return settings;
  }

  /** Stops scraping, polling and event counting. */
  public Future<Void> stop() {
    return Future.join(scraper.stop(), events.stop(), rulesFile.close()).onComplete(ar -> store.close()).mapEmpty();
  }
}
