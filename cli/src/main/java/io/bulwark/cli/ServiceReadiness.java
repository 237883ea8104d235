package io.bulwark.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What one service's {@code /ready} said: its name, status, whether it is ready, and what is failing. */
public record ServiceReadiness(URI url, String service, Status status, boolean ready, List<String> problems) {

  /** The status shown to the operator. */
  public enum Status { UP, DEGRADED, DOWN, UNREACHABLE }

  /** A service that could not be asked: refused, timed out, unknown host. */
  public static ServiceReadiness unreachable(URI url, String why) {
    return new ServiceReadiness(url, null, Status.UNREACHABLE, false, List.of(why));
  }

  /**
   * Reads an answer of {@code /ready}: 200 means ready, 503 not ready; the body names the service, its overall status
   * and one entry per check. Anything else is reported as DOWN with what was wrong with the answer.
   */
  public static ServiceReadiness fromResponse(URI url, int httpStatus, String body) {
    JsonObject json;
    try {
      json = new JsonObject(body == null ? "" : body);
    } catch (DecodeException | ClassCastException e) {
      return new ServiceReadiness(url, null, Status.DOWN, false,
          List.of("HTTP " + httpStatus + " without a readiness body (is this a Bulwark management port?)"));
    }
    String service = json.getValue("service") instanceof String s ? s : null;
    if (httpStatus != 200 && httpStatus != 503) {
      return new ServiceReadiness(url, service, Status.DOWN, false, List.of("unexpected HTTP " + httpStatus));
    }
    Status reported = parseStatus(json.getValue("status"));
    boolean ready = httpStatus == 200 && (reported == Status.UP || reported == Status.DEGRADED);
    Status shown = ready ? reported : Status.DOWN;
    return new ServiceReadiness(url, service, shown, ready, problems(json));
  }

  private static Status parseStatus(Object raw) {
    if (raw instanceof String s) {
      switch (s.toUpperCase(Locale.ROOT)) {
        case "UP": return Status.UP;
        case "DEGRADED": return Status.DEGRADED;
        default: return Status.DOWN;
      }
    }
    return Status.DOWN;
  }

  /** The reason the service gives for itself (starting, shutting down), then every check that is not UP. */
  private static List<String> problems(JsonObject json) {
    List<String> out = new ArrayList<>();
    if (json.getValue("reason") instanceof String reason) {
      out.add(reason);
    }
    if (json.getValue("checks") instanceof JsonObject checks) {
      for (String name : checks.fieldNames()) {
        Object entry = checks.getValue(name);
        JsonObject check = entry instanceof JsonObject c ? c : new JsonObject();
        if ("UP".equals(check.getValue("status"))) {
          continue;
        }
        String label = Boolean.FALSE.equals(check.getValue("required")) ? name + " (optional)" : name;
        out.add(check.getValue("error") instanceof String error ? label + ": " + error : label);
      }
    }
    return List.copyOf(out);
  }
}
