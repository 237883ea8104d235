package io.bulwark.shared.bus;

import io.vertx.core.json.JsonObject;

/**
 * {@code bulwark.<service>.ping} and its reply: who answered, its version and whether it is ready. With {@code detail}
 * the reply also carries the service's readiness snapshot (every check with its status and latency), which the
 * gateway's detailed health collects; peers' readiness probes leave it out to stay small.
 */
public record Ping(String from, boolean detail) {
  public static final int VERSION = 1;

  public Ping(String from) {
    this(from, false);
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("v", VERSION).put("from", from);
    return detail ? j.put("detail", true) : j;
  }

  public static Ping fromJson(JsonObject j) {
    Versions.require(j, VERSION, "ping");
    return new Ping(j.getString("from"), Boolean.TRUE.equals(j.getValue("detail")));
  }

  /** The reply; {@code readiness} is null unless the ping asked for detail. */
  public record Pong(String service, String version, boolean ready, JsonObject readiness) {
    public Pong(String service, String version, boolean ready) {
      this(service, version, ready, null);
    }

    public JsonObject toJson() {
      JsonObject j = new JsonObject().put("v", VERSION).put("service", service).put("version", version).put("ready", ready);
      return readiness == null ? j : j.put("readiness", readiness);
    }

    public static Pong fromJson(JsonObject j) {
      Versions.require(j, VERSION, "pong");
      return new Pong(j.getString("service"), j.getString("version"), j.getBoolean("ready", false),
          j.getValue("readiness") instanceof JsonObject r ? r : null);
    }
  }
}
