package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bulwark.shared.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Admin calls the identity tests share: create tenants, issue, revoke and replace keys against a gateway URL. */
final class Tenants {
  private Tenants() {}

  static HttpResponse<String> admin(String method, String url, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return body == null ? Http.send(b, "Authorization", "Bearer " + SuiteHarness.ADMIN_KEY)
        : Http.send(b, "Authorization", "Bearer " + SuiteHarness.ADMIN_KEY, "Content-Type", "application/json");
  }

  static void create(String gateway, String id) {
    HttpResponse<String> r = admin("POST", gateway + "/admin/tenants", new JsonObject().put("id", id).put("name", "Tenant " + id).encode());
    assertEquals(201, r.statusCode(), r.body());
  }

  /** Issues a key and returns the issue response ({@code key.id}, {@code secret}). */
  static JsonObject issue(String gateway, String tenant, String... scopes) {
    HttpResponse<String> r = admin("POST", gateway + "/admin/tenants/" + tenant + "/keys",
        new JsonObject().put("name", "test").put("scopes", new JsonArray(java.util.List.of((Object[]) scopes))).encode());
    assertEquals(201, r.statusCode(), r.body());
    return new JsonObject(r.body());
  }

  static HttpResponse<String> getWith(String url, String key) {
    return Http.get(url, "Authorization", "Bearer " + key);
  }
}
