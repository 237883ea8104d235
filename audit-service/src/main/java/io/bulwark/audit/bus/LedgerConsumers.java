package io.bulwark.audit.bus;

import io.bulwark.audit.export.ExportService;
import io.bulwark.audit.export.ProofService;
import io.bulwark.audit.ledger.Ledger;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.BusErrors;
import io.bulwark.shared.bus.EntryRequest;
import io.bulwark.shared.bus.Versions;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.bulwark.shared.ledgerdb.CheckpointStore;
import io.bulwark.shared.ledgerdb.EntryStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ledger's bus addresses: parse, call the domain, reply or fail with a status and a stable code. */
public final class LedgerConsumers {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerConsumers.class);
  static final int MAX_PAGE = 500;
  private final Ledger ledger;
  private final EntryStore entries;
  private final CheckpointStore checkpoints;
  private final ProofService proofs;
  private final ExportService exports;

  public LedgerConsumers(Ledger ledger, EntryStore entries, CheckpointStore checkpoints, ProofService proofs, ExportService exports) {
    this.ledger = ledger;
    this.entries = entries;
    this.checkpoints = checkpoints;
    this.proofs = proofs;
    this.exports = exports;
  }

  /** Reads, proofs and exports: any instance answers. */
  public List<MessageConsumer<JsonObject>> registerReads(EventBus bus) {
    return List.of(
        bus.consumer(Addresses.AUDIT_ENTRY, msg -> answer(msg, body -> {
          long index = EntryRequest.fromJson(body).index();
          return entries.find(index).compose(found -> found.map(e -> Future.succeededFuture(e.toJson()))
              .orElseGet(() -> entries.prunedBelow().compose(pruned -> Future.failedFuture(index < pruned
                  ? new ApiException(410, ErrorCodes.AUDIT_PRUNED, "entry " + index + " left the hot ledger; it is in an archive segment")
                  : new ApiException(404, ErrorCodes.AUDIT_ENTRY_NOT_FOUND, "no ledger entry at that index")))));
        })),
        bus.consumer(Addresses.AUDIT_SEARCH, msg -> answer(msg, this::search)),
        bus.consumer(Addresses.AUDIT_CHECKPOINT, msg -> answer(msg, body -> {
          Versions.require(body, 1, Addresses.AUDIT_CHECKPOINT);
          return checkpoints.latest().compose(cp -> cp
              .map(c -> Future.succeededFuture(new JsonObject().put("v", 1).put("size", c.size()).put("note", c.note())
                  .put("createdAt", c.createdAt().toString())))
              .orElseGet(() -> Future.failedFuture(new ApiException(404, ErrorCodes.AUDIT_NO_CHECKPOINT, "the ledger has no checkpoint yet"))));
        })),
        bus.consumer(Addresses.AUDIT_KEYS, msg -> answer(msg, body -> {
          Versions.require(body, 1, Addresses.AUDIT_KEYS);
          return checkpoints.keys().map(keys -> new JsonObject().put("v", 1)
              .put("keys", new JsonArray(keys.stream().map(CheckpointStore.KeyIdentity::toJson).toList())));
        })),
        bus.consumer(Addresses.AUDIT_PROOF, msg -> answer(msg, body -> {
          Versions.require(body, 1, Addresses.AUDIT_PROOF);
          return proofs.inclusion(requiredLong(body, "index"), optionalLong(body, "size"))
              .map(p -> new JsonObject().put("v", 1).put("proof", p));
        })),
        bus.consumer(Addresses.AUDIT_CONSISTENCY, msg -> answer(msg, body -> {
          Versions.require(body, 1, Addresses.AUDIT_CONSISTENCY);
          return proofs.consistency(requiredLong(body, "from"), requiredLong(body, "to"))
              .map(p -> new JsonObject().put("v", 1).put("hashes", p));
        })),
        bus.consumer(Addresses.AUDIT_EXPORT, msg -> answer(msg, body -> {
          Versions.require(body, 1, Addresses.AUDIT_EXPORT);
          String tenant = optionalString(body, "tenant", 128);
          Long from = optionalLong(body, "from");
          Long to = optionalLong(body, "to");
          if ("csv".equals(body.getString("format"))) {
            return exports.bundle(from, to, tenant).map(b -> new JsonObject().put("v", 1).put("csv", CsvExport.of(b)));
          }
          if (Boolean.TRUE.equals(body.getValue("encoded"))) {
            // the bundle's JSON text as bytes: a byte array crosses the bus with one copy, a JSON tree with a deep one
            return exports.encodedBundle(from, to, tenant).map(e -> new JsonObject().put("v", 1).put("bundleJson", e.json())
                .put("from", e.from()).put("to", e.to()).put("entries", e.entries()));
          }
          return exports.bundle(from, to, tenant).map(b -> new JsonObject().put("v", 1).put("bundle", b));
        })));
  }

  private Future<JsonObject> search(JsonObject body) {
    Versions.require(body, 1, Addresses.AUDIT_SEARCH);
    Long limit = optionalLong(body, "limit");
    if (limit != null && (limit < 1 || limit > MAX_PAGE)) {
      throw ApiException.badRequest("limit must be 1-" + MAX_PAGE);
    }
    int size = limit == null ? 100 : limit.intValue();
    EntryStore.Search s = new EntryStore.Search(optionalString(body, "tenant", 128), time(body, "from"), time(body, "to"),
        optionalString(body, "action", 128), optionalString(body, "actor", 256), optionalString(body, "outcome", 16),
        optionalString(body, "requestId", 128), optionalString(body, "category", 16), optionalLong(body, "cursor"), size);
    return entries.search(s).map(found -> new JsonObject().put("v", 1).put("entries", new JsonArray(found))
        .put("nextCursor", found.size() == size ? found.get(found.size() - 1).getLong("index") : null));
  }

  static Long optionalLong(JsonObject body, String key) {
    Object v = body.getValue(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n && n.doubleValue() == n.longValue()) {
      return n.longValue();
    }
    if (v instanceof String s && s.matches("-?\\d{1,18}")) {
      return Long.parseLong(s);
    }
    throw ApiException.badRequest(key + " must be a whole number");
  }

  static long requiredLong(JsonObject body, String key) {
    Long v = optionalLong(body, key);
    if (v == null) {
      throw ApiException.badRequest(key + " is required");
    }
    return v;
  }

  static String optionalString(JsonObject body, String key, int max) {
    Object v = body.getValue(key);
    if (v == null) {
      return null;
    }
    // control characters never match a stored value, and NUL is not even a valid PostgreSQL text character
    if (!(v instanceof String s) || s.isEmpty() || s.length() > max || s.chars().anyMatch(Character::isISOControl)) {
      throw ApiException.badRequest(key + " must be a string of 1-" + max + " characters without control characters");
    }
    return s;
  }

  static OffsetDateTime time(JsonObject body, String key) {
    String s = optionalString(body, key, 64);
    try {
      return s == null ? null : OffsetDateTime.parse(s);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(key + " must be an RFC 3339 time such as 2026-01-31T12:00:00Z");
    }
  }

  static void answer(Message<JsonObject> msg, Function<JsonObject, Future<JsonObject>> work) {
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
