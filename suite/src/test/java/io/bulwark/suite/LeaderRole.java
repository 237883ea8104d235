package io.bulwark.suite;

import io.bulwark.shared.test.Http;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;

/** The role a service's {@code /ready} check reports (the ledger's {@code writer}, alert-service's {@code leader}). */
final class LeaderRole {
  private LeaderRole() {}

  /** "leader", "standby", or "?" when the answer does not say. */
  static String of(HttpResponse<String> ready, String check) {
    try {
      JsonObject c = Http.json(ready).getJsonObject("checks").getJsonObject(check);
      return c == null ? "?" : c.getString("role", "?");
    } catch (RuntimeException e) {
      return "?";
    }
  }

  static String at(int managementPort, String check) {
    return of(Http.get("http://127.0.0.1:" + managementPort + "/ready"), check);
  }
}
