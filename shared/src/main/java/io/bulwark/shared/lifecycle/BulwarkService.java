package io.bulwark.shared.lifecycle;

import io.vertx.core.VerticleBase;

/** What the runtime needs to know to run one Bulwark service. */
public interface BulwarkService {
  /** Short name: {@code gateway}, {@code audit}, {@code backup}, {@code alert}. */
  String name();

  /** The PostgreSQL schema the service owns and migrates from {@code db/migration/<schema>}. */
  String schema();

  /** The migration head this build expects (V<n>); start-up refuses any other. */
  int migrationHead();

  /** The service's main verticle; it registers its bus consumers and servers in {@code start()}. */
  VerticleBase createVerticle(ServiceContext context);
}
