package io.bulwark.shared.test;

import io.bulwark.shared.lifecycle.BulwarkService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** A minimal service for testing the runtime itself: schema {@code probe}, one migration, no traffic. */
public final class ProbeService {
  private ProbeService() {}

  /** The probe service expecting migration head {@code head}. */
  public static BulwarkService expectingHead(int head) {
    return new BulwarkService("probe", "probe", head, context -> new VerticleBase() {
      @Override
      public Future<?> start() {
        return Future.succeededFuture();
      }
    });
  }
}
