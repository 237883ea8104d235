package io.bulwark.suite;

import io.bulwark.shared.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** Reads alerts the way an operator does, through the gateway's {@code GET /alerts}, and waits for them. */
final class AlertWatch {
  private final String gateway;
  private final String adminKey;

  AlertWatch(String gateway, String adminKey) {
    this.gateway = gateway;
    this.adminKey = adminKey;
  }

  /** Every alert of rule {@code name} (any state), most recently changed first. */
  List<JsonObject> of(String name) {
    HttpResponse<String> r = Http.get(gateway + "/alerts?label=alertname=" + name + "&limit=1000",
        "Authorization", "Bearer " + adminKey);
    if (r.statusCode() != 200) {
      throw new AssertionError("GET /alerts answered " + r.statusCode() + ": " + r.body());
    }
    JsonArray alerts = new JsonObject(r.body()).getJsonArray("alerts");
    return alerts.stream().map(JsonObject.class::cast).toList();
  }

  /** Waits up to {@code timeout} for an alert of rule {@code name} that meets {@code test}. */
  JsonObject await(String name, Duration timeout, Predicate<JsonObject> test) {
    long end = System.nanoTime() + timeout.toNanos();
    List<JsonObject> last = List.of();
    while (System.nanoTime() < end) {
      last = of(name);
      Optional<JsonObject> hit = last.stream().filter(test).findFirst();
      if (hit.isPresent()) {
        return hit.get();
      }
      Http.sleep(100);
    }
    throw new AssertionError("no " + name + " alert as expected within " + timeout + "; saw " + last);
  }

  static Predicate<JsonObject> inState(String state) {
    return a -> state.equals(a.getString("state"));
  }

  static Predicate<JsonObject> label(String name, String value) {
    return a -> value.equals(a.getJsonObject("labels").getString(name));
  }
}
