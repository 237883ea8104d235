package io.bulwark.gateway;

import io.bulwark.shared.lifecycle.BulwarkService;
import io.bulwark.shared.lifecycle.ServiceContext;
import io.vertx.core.VerticleBase;

/** The gateway: authenticates, gives every request an id, and fronts the other services. */
public final class GatewayService implements BulwarkService {
  /** Highest migration in {@code db/migration/gateway}; start-up refuses a database at any other version. */
  public static final int MIGRATION_HEAD = 1;

  @Override
  public String name() {
    return "gateway";
  }

  @Override
  public String schema() {
    return "gateway";
  }

  @Override
  public int migrationHead() {
    return MIGRATION_HEAD;
  }

  @Override
  public VerticleBase createVerticle(ServiceContext context) {
    return new GatewayVerticle(context);
  }
}
