package io.bulwark.gateway.compliance;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.BusErrors;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** What the compliance features read from audit-service over the bus; a failure becomes the matching API problem. */
public final class LedgerReads {
  private final EventBus bus;
  private final DeliveryOptions delivery;
  private final DeliveryOptions slow;

  /** A signed checkpoint: the tree size it covers and its note text. */
  public record SignedCheckpoint(long size, String note, String createdAt) {}

  public LedgerReads(EventBus bus, long timeoutMs) {
    this.bus = bus;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
    // exports read much of the ledger: they get more time than a lookup
    this.slow = new DeliveryOptions().setSendTimeout(Math.max(timeoutMs, 120_000));
  }

  /** Ledger size, pruning, latest checkpoint and its age, last verification, retention, signing identities. */
  public Future<JsonObject> status() {
    return ask(Addresses.AUDIT_STATUS, new JsonObject(), delivery);
  }

  public Future<SignedCheckpoint> checkpoint() {
    return ask(Addresses.AUDIT_CHECKPOINT, new JsonObject(), delivery)
        .map(r -> new SignedCheckpoint(r.getLong("size"), r.getString("note"), r.getString("createdAt")));
  }

  /** Every verifier key the ledger signed with, oldest first, as C2SP vkeys. */
  public Future<List<String>> verifierKeys() {
    return ask(Addresses.AUDIT_KEYS, new JsonObject(), delivery).map(r -> {
      JsonArray keys = r.getJsonArray("keys");
      return keys.stream().map(k -> ((JsonObject) k).getString("vkey")).toList();
    });
  }

  /** A bundle's JSON text as audit-service encoded it, with its range and how many entries it holds. */
  public record EncodedBundle(Buffer json, long from, long to, int entries) {}

  /**
   * A {@code bulwark-audit-bundle/v1} in [from, to) — one tenant's entries, or the ledger's when {@code tenant} is
   * null — as JSON text; nulls take audit-service's defaults.
   */
  public Future<EncodedBundle> bundleJson(String tenant, Long from, Long to) {
    JsonObject msg = new JsonObject().put("format", "json").put("encoded", true);
    if (tenant != null) {
      msg.put("tenant", tenant);
    }
    if (from != null) {
      msg.put("from", from);
    }
    if (to != null) {
      msg.put("to", to);
    }
    return ask(Addresses.AUDIT_EXPORT, msg, slow).map(r -> new EncodedBundle(Buffer.buffer(r.getBinary("bundleJson")),
        r.getLong("from"), r.getLong("to"), r.getInteger("entries")));
  }

  private Future<JsonObject> ask(String address, JsonObject body, DeliveryOptions options) {
    return bus.<JsonObject>request(address, body.put("v", 1), options).map(m -> m.body())
        .recover(err -> Future.failedFuture(BusErrors.toApi(err, ErrorCodes.AUDIT_UNAVAILABLE, "audit-service")));
  }
}
