package io.bulwark.shared.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** RFC 9457 problem details with Bulwark's stable {@code code} and the request id. */
public record Problem(int status, String code, String title, String detail, String requestId) {
  public static final String CONTENT_TYPE = "application/problem+json";

  public JsonObject toJson() {
    return new JsonObject()
        .put("type", "https://bulwark.dev/problems/" + code)
        .put("title", title)
        .put("status", status)
        .put("detail", detail)
        .put("code", code)
        .put("requestId", requestId);
  }

  /** Ends the exchange with this problem, unless a response was already sent. */
  public static Future<Void> send(RoutingContext ctx, int status, String code, String detail) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.headWritten()) {
      return Future.succeededFuture();
    }
    Problem p = new Problem(status, code, title(status), detail, RequestIds.of(ctx));
    return response.setStatusCode(status)
        .putHeader("Content-Type", CONTENT_TYPE)
        .putHeader("Cache-Control", "no-store")
        .end(p.toJson().encode());
  }

  public static Future<Void> send(RoutingContext ctx, ApiException e) {
    return send(ctx, e.status(), e.code(), e.detail());
  }

  static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Content";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 503 -> "Service Unavailable";
      case 502 -> "Bad Gateway";
      case 504 -> "Gateway Timeout";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }
}
