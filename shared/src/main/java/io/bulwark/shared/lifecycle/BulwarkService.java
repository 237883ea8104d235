package io.bulwark.shared.lifecycle;

import io.vertx.core.VerticleBase;
import java.util.function.Function;

/**
 * What the runtime needs to know to run one Bulwark service.
 *
 * @param name short name: {@code gateway}, {@code audit}, {@code backup}, {@code alert}
 * @param schema the PostgreSQL schema the service owns and migrates from {@code db/migration/<schema>}
 * @param migrationHead the migration head this build expects (V&lt;n&gt;); start-up refuses any other
 * @param verticle builds the service's main verticle, which registers its bus consumers and servers in {@code start()}
 */
public record BulwarkService(String name, String schema, int migrationHead, Function<ServiceContext, VerticleBase> verticle) {

  public VerticleBase createVerticle(ServiceContext context) {
    return verticle.apply(context);
  }
}
