package io.bulwark.backup;

import io.bulwark.shared.lifecycle.BulwarkService;
import io.bulwark.shared.lifecycle.ServiceContext;
import io.vertx.core.VerticleBase;

/** The backup service: scheduled PostgreSQL backups, verification and restore drills (its work lands with its own issue). */
public final class BackupService implements BulwarkService {
  /** Highest migration in {@code db/migration/backup}. */
  public static final int MIGRATION_HEAD = 1;

  @Override
  public String name() {
    return "backup";
  }

  @Override
  public String schema() {
    return "backup";
  }

  @Override
  public int migrationHead() {
    return MIGRATION_HEAD;
  }

  @Override
  public VerticleBase createVerticle(ServiceContext context) {
    return new BackupVerticle(context);
  }
}
