package io.bulwark.audit.bus;

import io.bulwark.audit.ledger.Ledger;
import io.bulwark.audit.ledger.LedgerWriter;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.AppendBatch;
import io.bulwark.shared.bus.AppendRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * {@code bulwark.audit.append} on the leader. Checking and canonicalizing events is the CPU-heavy half of an append,
 * so it happens here, on event loops of their own (several instances), and the single writer only assigns indexes,
 * hashes and commits.
 */
public final class AppendIntake extends VerticleBase {
  private final Ledger ledger;
  private MessageConsumer<JsonObject> consumer;

  public AppendIntake(Ledger ledger) {
    this.ledger = ledger;
  }

  @Override
  public Future<?> start() {
    Context self = context;
    consumer = vertx.eventBus().consumer(Addresses.AUDIT_APPEND, msg -> LedgerConsumers.answer(msg, body -> {
      boolean batch = AppendBatch.isBatch(body);
      List<AppendRequest> requests = batch ? AppendBatch.fromJson(body).requests() : List.of(AppendRequest.fromJson(body));
      List<LedgerWriter.Prepared> prepared = requests.stream().map(LedgerWriter.Prepared::of).toList();
      // answer from this event loop, not the writer's: replies are work too
      return ledger.appendPrepared(prepared).transform(ar -> {
        io.vertx.core.Promise<JsonObject> back = io.vertx.core.Promise.promise();
        self.runOnContext(v -> {
          if (ar.succeeded()) {
            back.complete(batch ? AppendBatch.reply(ar.result()) : ar.result().get(0).toJson());
          } else {
            back.fail(ar.cause());
          }
        });
        return back.future();
      });
    }));
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
