package io.bulwark.shared.bus;

import io.vertx.core.json.JsonObject;

/** A ledger entry: its canonical JSON (as text, byte-exact), leaf hash (hex) and when it was committed. */
public record EntryReply(long index, String canonical, String leafHash, String recordedAt) {
  public static final int VERSION = 1;

  public JsonObject toJson() {
    return new JsonObject().put("v", VERSION).put("index", index).put("canonical", canonical).put("leafHash", leafHash)
        .put("recordedAt", recordedAt);
  }

  public static EntryReply fromJson(JsonObject j) {
    Versions.require(j, VERSION, Addresses.AUDIT_ENTRY + " reply");
    return new EntryReply(j.getLong("index"), j.getString("canonical"), j.getString("leafHash"), j.getString("recordedAt"));
  }
}
