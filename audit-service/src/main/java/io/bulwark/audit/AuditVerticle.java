package io.bulwark.audit;

import io.bulwark.audit.bus.LedgerConsumers;
import io.bulwark.audit.ledger.LedgerWriter;
import io.bulwark.audit.store.EntryStore;
import io.bulwark.shared.bus.PingResponder;
import io.bulwark.shared.lifecycle.ServiceContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Registers the ledger's bus consumers; replies only after the entry's transaction committed. */
public final class AuditVerticle extends VerticleBase {
  private final ServiceContext ctx;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();

  public AuditVerticle(ServiceContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Future<?> start() {
    EntryStore store = new EntryStore(ctx.database().pool());
    LedgerConsumers ledger = new LedgerConsumers(new LedgerWriter(store), store);
    consumers.addAll(ledger.register(vertx.eventBus()));
    consumers.add(PingResponder.register(vertx, "audit", ctx.readiness()));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }
}
