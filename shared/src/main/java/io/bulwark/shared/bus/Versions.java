package io.bulwark.shared.bus;

import io.bulwark.shared.http.ApiException;
import io.vertx.core.json.JsonObject;

/** Refuses messages of a schema version this build does not speak. */
public final class Versions {
  private Versions() {}

  public static void require(JsonObject j, int version, String what) {
    if (j == null) {
      throw ApiException.badRequest(what + ": empty message");
    }
    Integer v = j.getInteger("v");
    if (v == null || v != version) {
      throw ApiException.badRequest(what + ": unsupported message version " + v + " (expected " + version + ")");
    }
  }
}
