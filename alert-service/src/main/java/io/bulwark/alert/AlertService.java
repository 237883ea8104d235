package io.bulwark.alert;

import io.bulwark.shared.lifecycle.BulwarkService;
import io.bulwark.shared.lifecycle.ServiceContext;
import io.vertx.core.VerticleBase;

/** The alert service: rule evaluation, alert lifecycle and notifications (its work lands with its own issue). */
public final class AlertService implements BulwarkService {
  /** Highest migration in {@code db/migration/alert}. */
  public static final int MIGRATION_HEAD = 1;

  @Override
  public String name() {
    return "alert";
  }

  @Override
  public String schema() {
    return "alert";
  }

  @Override
  public int migrationHead() {
    return MIGRATION_HEAD;
  }

  @Override
  public VerticleBase createVerticle(ServiceContext context) {
    return new AlertVerticle(context);
  }
}
