package io.bulwark.gateway.spool;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.AppendBatch;
import io.bulwark.shared.bus.AppendReply;
import io.bulwark.shared.bus.AppendRequest;
import io.bulwark.shared.bus.BusErrors;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for audit-service on {@code bulwark.audit.append}: checks batches as the ledger does, commits each
 * idempotency id once (a repeat is answered as a duplicate and counted), and can be switched to fail with 503, to
 * refuse with 400, to never answer, or to answer one batch too late. One ledger may be registered on several Vert.x
 * instances, as one audit-service serves several gateways.
 */
final class LedgerStandIn {
  enum Mode { ACK, FAIL_503, REJECT_400, SILENT }

  private final Map<String, JsonObject> committed = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<String> arrivalOrder = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Integer> batchSizes = new ConcurrentLinkedQueue<>();
  private final Set<String> lateIds = ConcurrentHashMap.newKeySet();
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong index = new AtomicLong();
  private final AtomicLong lateOnceMs = new AtomicLong();
  private final List<MessageConsumer<JsonObject>> consumers = new CopyOnWriteArrayList<>();
  private volatile Mode mode = Mode.ACK;
  private volatile long delayMs;

  /** Registers on {@code vertx}'s bus; completes once the consumer is in place. */
  Future<Void> register(Vertx vertx) {
    MessageConsumer<JsonObject> c = vertx.eventBus().consumer(Addresses.AUDIT_APPEND, msg -> handle(vertx, msg));
    consumers.add(c);
    return c.completion();
  }

  /** Unregisters every consumer: audit-service is gone. */
  Future<Void> unregister() {
    List<Future<Void>> all = new ArrayList<>();
    consumers.forEach(c -> all.add(c.unregister()));
    consumers.clear();
    return Future.all(all).mapEmpty();
  }

  void mode(Mode m) {
    mode = m;
  }

  /** Every batch is answered after this long: slows draining so that two drainers overlap. */
  void delay(long ms) {
    delayMs = ms;
  }

  /** The next batch is committed but answered only after {@code ms}, later than the sender waits. */
  void answerNextLate(long ms) {
    lateOnceMs.set(ms);
  }

  private void handle(Vertx vertx, Message<JsonObject> msg) {
    switch (mode) {
      case SILENT:
        return;
      case FAIL_503:
        BusErrors.fail(msg, new ApiException(503, ErrorCodes.AUDIT_UNAVAILABLE, "the ledger writer stopped"));
        return;
      case REJECT_400:
        BusErrors.fail(msg, ApiException.badRequest("events[0]: refused by the stand-in"));
        return;
      default:
        break;
    }
    AppendBatch batch;
    try {
      batch = AppendBatch.fromJson(msg.body());
    } catch (ApiException e) {
      BusErrors.fail(msg, e);
      return;
    }
    batchSizes.add(batch.requests().size());
    List<AppendReply> replies = new ArrayList<>();
    for (AppendRequest r : batch.requests()) {
      replies.add(commit(r));
    }
    JsonObject reply = AppendBatch.reply(replies);
    long late = lateOnceMs.getAndSet(0);
    if (late > 0) {
      batch.requests().forEach(r -> lateIds.add(r.idempotencyId()));
      vertx.setTimer(late, id -> msg.reply(reply));
    } else if (delayMs > 0) {
      vertx.setTimer(delayMs, id -> msg.reply(reply));
    } else {
      msg.reply(reply);
    }
  }

  private AppendReply commit(AppendRequest r) {
    int n = seen.computeIfAbsent(r.idempotencyId(), k -> new AtomicInteger()).incrementAndGet();
    if (n > 1) {
      duplicates.incrementAndGet();
      return new AppendReply(0, "00", true);
    }
    committed.put(r.idempotencyId(), r.event().toJson());
    arrivalOrder.add(r.idempotencyId());
    return new AppendReply(index.incrementAndGet(), "00", false);
  }

  /** Distinct ids committed. */
  int committedCount() {
    return committed.size();
  }

  Set<String> committedIds() {
    return Set.copyOf(committed.keySet());
  }

  JsonObject event(String id) {
    return committed.get(id);
  }

  List<String> arrivalOrder() {
    return List.copyOf(arrivalOrder);
  }

  List<Integer> batchSizes() {
    return List.copyOf(batchSizes);
  }

  long duplicates() {
    return duplicates.get();
  }

  /** Ids seen more than once. */
  Set<String> duplicatedIds() {
    Set<String> out = ConcurrentHashMap.newKeySet();
    seen.forEach((id, n) -> {
      if (n.get() > 1) {
        out.add(id);
      }
    });
    return out;
  }

  /** Ids of the batch answered too late. */
  Set<String> lateIds() {
    return Set.copyOf(lateIds);
  }
}
