package io.bulwark.audit;

import io.bulwark.shared.lifecycle.BulwarkService;

/** The audit ledger service. */
public final class AuditService {
  /** Highest migration in {@code db/migration/audit}. */
  public static final int MIGRATION_HEAD = 2;

  /** How the runtime runs this service. */
  public static final BulwarkService DEFINITION = new BulwarkService("audit", "audit", MIGRATION_HEAD, AuditVerticle::new);

  private AuditService() {}
}
