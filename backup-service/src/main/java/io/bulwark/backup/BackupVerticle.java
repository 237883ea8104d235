package io.bulwark.backup;

import io.bulwark.shared.bus.PingResponder;
import io.bulwark.shared.lifecycle.ServiceContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/** Registers backup-service's bus consumers. */
public final class BackupVerticle extends VerticleBase {
  private final ServiceContext ctx;
  private MessageConsumer<JsonObject> ping;

  public BackupVerticle(ServiceContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Future<?> start() {
    ping = PingResponder.register(vertx, "backup", ctx.readiness());
    return ping.completion();
  }

  @Override
  public Future<?> stop() {
    return ping.unregister();
  }
}
