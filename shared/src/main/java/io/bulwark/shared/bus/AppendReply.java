package io.bulwark.shared.bus;

import io.vertx.core.json.JsonObject;

/** Reply to an append: the committed entry's ledger index and leaf hash (hex); {@code duplicate} for a retried append. */
public record AppendReply(long index, String leafHash, boolean duplicate) {
  public static final int VERSION = 1;

  public JsonObject toJson() {
    return new JsonObject().put("v", VERSION).put("index", index).put("leafHash", leafHash).put("duplicate", duplicate);
  }

  public static AppendReply fromJson(JsonObject j) {
    Versions.require(j, VERSION, Addresses.AUDIT_APPEND + " reply");
    return new AppendReply(j.getLong("index"), j.getString("leafHash"), j.getBoolean("duplicate", false));
  }
}
