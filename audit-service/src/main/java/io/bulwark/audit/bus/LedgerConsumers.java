package io.bulwark.audit.bus;

import io.bulwark.audit.ledger.LedgerWriter;
import io.bulwark.audit.store.EntryStore;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.AppendRequest;
import io.bulwark.shared.bus.BusErrors;
import io.bulwark.shared.bus.EntryRequest;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code bulwark.audit.append} and {@code bulwark.audit.entry}: parse, call the ledger, reply or fail with a code. */
public final class LedgerConsumers {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerConsumers.class);
  private final LedgerWriter writer;
  private final EntryStore store;

  public LedgerConsumers(LedgerWriter writer, EntryStore store) {
    this.writer = writer;
    this.store = store;
  }

  public List<MessageConsumer<JsonObject>> register(EventBus bus) {
    return List.of(
        bus.consumer(Addresses.AUDIT_APPEND, msg -> answer(msg, body -> writer.append(AppendRequest.fromJson(body)).map(r -> r.toJson()))),
        bus.consumer(Addresses.AUDIT_ENTRY, msg -> answer(msg, body -> store.find(EntryRequest.fromJson(body).index())
            .compose(found -> found.map(e -> Future.succeededFuture(e.toJson()))
                .orElseGet(() -> Future.failedFuture(new ApiException(404, ErrorCodes.AUDIT_ENTRY_NOT_FOUND, "no ledger entry at that index")))))));
  }

  private static void answer(Message<JsonObject> msg, Function<JsonObject, Future<JsonObject>> work) {
    Future<JsonObject> result;
    try {
      result = work.apply(msg.body());
    } catch (ApiException e) {
      result = Future.failedFuture(e);
    } catch (RuntimeException e) {
      result = Future.failedFuture(ApiException.badRequest("malformed message: " + e.getMessage()));
    }
    result.onSuccess(msg::reply).onFailure(err -> {
      if (err instanceof ApiException e) {
        BusErrors.fail(msg, e);
      } else {
        LOG.error("ledger operation on {} failed: {}", msg.address(), err.getMessage());
        BusErrors.fail(msg, new ApiException(503, ErrorCodes.DB_UNAVAILABLE, "the ledger database is unavailable"));
      }
    });
  }
}
