package io.bulwark.audit;

import io.bulwark.shared.lifecycle.BulwarkService;
import io.bulwark.shared.lifecycle.ServiceContext;
import io.vertx.core.VerticleBase;

/** The audit ledger service. */
public final class AuditService implements BulwarkService {
  /** Highest migration in {@code db/migration/audit}. */
  public static final int MIGRATION_HEAD = 1;

  @Override
  public String name() {
    return "audit";
  }

  @Override
  public String schema() {
    return "audit";
  }

  @Override
  public int migrationHead() {
    return MIGRATION_HEAD;
  }

  @Override
  public VerticleBase createVerticle(ServiceContext context) {
    return new AuditVerticle(context);
  }
}
