package io.bulwark.alert.rules;

import java.time.Duration;

/**
 * {@code BULWARK_ALERT_TIME_SCALE}: multiplies every window, hold and {@code for} of the rules. For tests only (0.01
 * turns a 1 h window into 36 s); 1.0 in production.
 */
public final class TimeScale {
  public static final String KEY = "BULWARK_ALERT_TIME_SCALE";

  private TimeScale() {
  }

  public static Duration apply(Duration d, double scale) {
    return scale == 1.0 || d.isZero() ? d : Duration.ofMillis(Math.max(1, Math.round(d.toMillis() * scale)));
  }
}
