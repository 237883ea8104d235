package io.bulwark.shared.test;

import io.bulwark.shared.lifecycle.BulwarkService;
import io.bulwark.shared.lifecycle.ServiceContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** A minimal service for testing the runtime itself: schema {@code probe}, one migration, no traffic. */
public final class ProbeService implements BulwarkService {
  private final int head;

  public ProbeService(int head) {
    this.head = head;
  }

  @Override
  public String name() {
    return "probe";
  }

  @Override
  public String schema() {
    return "probe";
  }

  @Override
  public int migrationHead() {
    return head;
  }

  @Override
  public VerticleBase createVerticle(ServiceContext context) {
    return new VerticleBase() {
      @Override
      public Future<?> start() {
        return Future.succeededFuture();
      }
    };
  }
}
