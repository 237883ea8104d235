package io.bulwark.alert;

import io.bulwark.shared.lifecycle.BulwarkService;

/** The alert service: rule evaluation, alert lifecycle and notifications (its work lands with its own issue). */
public final class AlertService {
  /** Highest migration in {@code db/migration/alert}. */
  public static final int MIGRATION_HEAD = 4;

  /** How the runtime runs this service. */
  public static final BulwarkService DEFINITION = new BulwarkService("alert", "alert", MIGRATION_HEAD, AlertVerticle::new);

  private AlertService() {}
}
