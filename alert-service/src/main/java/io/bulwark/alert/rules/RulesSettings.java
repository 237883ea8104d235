package io.bulwark.alert.rules;

import io.bulwark.shared.config.ConfigException;
import io.bulwark.shared.config.ServiceConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The configuration of rules and signals: {@code BULWARK_ALERT_RULES_FILE} (unset: the built-in rules),
 * {@code BULWARK_ALERT_RULES_POLL_MS} (1000), {@code BULWARK_ALERT_SCRAPE_INTERVAL} (15s),
 * {@code BULWARK_ALERT_TIME_SCALE} (1.0, tests only), {@code BULWARK_ALERT_MAX_SERIES} (20000).
 */
public record RulesSettings(Path rulesFile, long rulesPollMs, Duration scrapeInterval, double timeScale,
                            int maxSeries) {
  public static final String SCRAPE_INTERVAL_KEY = "BULWARK_ALERT_SCRAPE_INTERVAL";
  public static final String MAX_SERIES_KEY = "BULWARK_ALERT_MAX_SERIES";

  public static RulesSettings from(ServiceConfig c) {
    String file = c.string(RulesFile.FILE_KEY, "");
    return new RulesSettings(file.isEmpty() ? null : Path.of(file),
        c.intRange(RulesFile.POLL_KEY, 1000, 10, 3_600_000),
        c.duration(SCRAPE_INTERVAL_KEY, "15s", Duration.ofMillis(100), Duration.ofMinutes(10)),
        scale(c.string(TimeScale.KEY, "1.0")),
        c.intRange(MAX_SERIES_KEY, 20_000, 100, 1_000_000));
  }

  static double scale(String text) {
    double v;
    try {
      v = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new ConfigException(TimeScale.KEY, "must be a number such as 1.0 or 0.01 (got '" + text + "')");
    }
    if (!(v > 0 && v <= 1000)) {
      throw new ConfigException(TimeScale.KEY, "must be above 0 and at most 1000 (got " + text + ")");
    }
    return v;
  }

  /** Series unseen for twice the longest default window (3 d burn-rate window, scaled) are forgotten. */
  public Duration evictAfter() {
    return TimeScale.apply(Duration.ofDays(6), timeScale).plus(scrapeInterval.multipliedBy(4));
  }

  /** A gauge's latest sample counts as current for three scrape intervals (one or two missed scrapes are tolerated). */
  public Duration staleness() {
    return scrapeInterval.multipliedBy(3);
  }
}
