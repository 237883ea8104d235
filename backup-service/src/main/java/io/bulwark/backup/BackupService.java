package io.bulwark.backup;

import io.bulwark.shared.lifecycle.BulwarkService;

/** The backup service: scheduled PostgreSQL backups, verification and restore drills (its work lands with its own issue). */
public final class BackupService {
  /** Highest migration in {@code db/migration/backup}. */
  public static final int MIGRATION_HEAD = 2;

  /** How the runtime runs this service. */
  public static final BulwarkService DEFINITION = new BulwarkService("backup", "backup", MIGRATION_HEAD, BackupVerticle::new);

  private BackupService() {}
}
