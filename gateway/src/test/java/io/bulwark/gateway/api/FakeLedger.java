package io.bulwark.gateway.api;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.AppendBatch;
import io.bulwark.shared.bus.AppendReply;
import io.bulwark.shared.bus.AppendRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for audit-service on {@code bulwark.audit.append}: single appends (the gateway's fail-closed changes) and
 * batches (the spool's request-level decisions) are kept in arrival order; unregistered, the ledger is down.
 */
final class FakeLedger {
  final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private final AtomicLong index = new AtomicLong();
  private volatile MessageConsumer<JsonObject> consumer;
  private volatile MessageConsumer<JsonObject> status;

  Future<Void> register(Vertx vertx) {
    consumer = vertx.eventBus().consumer(Addresses.AUDIT_APPEND, m -> {
      if (AppendBatch.isBatch(m.body())) {
        List<AppendReply> replies = new ArrayList<>();
        for (AppendRequest r : AppendBatch.fromJson(m.body()).requests()) {
          events.add(r.event().toJson());
          replies.add(new AppendReply(index.incrementAndGet(), "00", false));
        }
        m.reply(AppendBatch.reply(replies));
      } else {
        events.add(AppendRequest.fromJson(m.body()).event().toJson());
        m.reply(new AppendReply(index.incrementAndGet(), "00", false).toJson());
      }
    });
    // the compliance report starts from the ledger's state: a small, plausible one
    status = vertx.eventBus().consumer(Addresses.AUDIT_STATUS, m -> m.reply(new JsonObject().put("v", 1)
        .put("ledger", new JsonObject().put("size", index.get()).put("sizeSource", "stand-in").putNull("checkpoint"))
        .put("retention", new JsonObject()).put("signingKeys", new io.vertx.core.json.JsonArray())));
    return Future.all(consumer.completion(), status.completion()).mapEmpty();
  }

  Future<Void> unregister() {
    return Future.all(consumer.unregister(), status.unregister()).mapEmpty();
  }

  /** Entries with {@code action}. */
  List<JsonObject> withAction(String action) {
    return events.stream().filter(e -> action.equals(e.getString("action"))).toList();
  }
}
