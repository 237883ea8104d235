package io.bulwark.gateway;

import io.bulwark.shared.lifecycle.BulwarkService;

/** The gateway: authenticates, gives every request an id, and fronts the other services. */
public final class GatewayService {
  /** Highest migration in {@code db/migration/gateway}; start-up refuses a database at any other version. */
  public static final int MIGRATION_HEAD = 4;

  /** How the runtime runs this service. */
  public static final BulwarkService DEFINITION = new BulwarkService("gateway", "gateway", MIGRATION_HEAD, GatewayVerticle::new);

  private GatewayService() {}
}
