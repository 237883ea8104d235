package io.bulwark.shared.bus;

import io.vertx.core.json.JsonObject;

/** {@code bulwark.<service>.ping} and its reply: who answered, its version and whether it is ready. */
public record Ping(String from) {
  public static final int VERSION = 1;

  public JsonObject toJson() {
    return new JsonObject().put("v", VERSION).put("from", from);
  }

  public static Ping fromJson(JsonObject j) {
    Versions.require(j, VERSION, "ping");
    return new Ping(j.getString("from"));
  }

  /** The reply. */
  public record Pong(String service, String version, boolean ready) {
    public JsonObject toJson() {
      return new JsonObject().put("v", VERSION).put("service", service).put("version", version).put("ready", ready);
    }

    public static Pong fromJson(JsonObject j) {
      Versions.require(j, VERSION, "pong");
      return new Pong(j.getString("service"), j.getString("version"), j.getBoolean("ready", false));
    }
  }
}
