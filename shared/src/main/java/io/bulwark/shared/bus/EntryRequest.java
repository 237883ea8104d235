package io.bulwark.shared.bus;

import io.vertx.core.json.JsonObject;

/** {@code bulwark.audit.entry}: read one ledger entry. */
public record EntryRequest(long index) {
  public static final int VERSION = 1;

  public JsonObject toJson() {
    return new JsonObject().put("v", VERSION).put("index", index);
  }

  public static EntryRequest fromJson(JsonObject j) {
    Versions.require(j, VERSION, Addresses.AUDIT_ENTRY);
    return new EntryRequest(j.getLong("index"));
  }
}
