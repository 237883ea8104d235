package io.bulwark.shared.http;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * Answers requests the HTTP decoder could not read (oversized request line or headers, broken syntax) with the same
 * problem+json and request id as every other error, instead of a bare status line. The connection is closed a moment
 * later, not at once: a client may still be sending its body, and closing a socket with unread input resets it, so the
 * client would lose the answer (the lingering close web servers do).
 */
public final class MalformedRequests implements Handler<HttpServerRequest> {
  /** How long the rest of a refused request is read (and discarded) before the connection closes. */
  static final long LINGER_MS = 5000;

  @Override
  public void handle(HttpServerRequest request) {
    DecoderResult result = request.decoderResult();
    Throwable cause = result == null ? null : result.cause();
    int status;
    String code;
    String detail;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      code = "request.uri_too_long";
      detail = "the request line is too long";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      code = "request.headers_too_large";
      detail = "the request headers are too large";
    } else {
      status = 400;
      code = "request.malformed";
      detail = "the request could not be parsed as HTTP";
    }
    String requestId = RequestIds.generate();
    Problem p = new Problem(status, code, Problem.title(status), detail, requestId);
    request.response().setStatusCode(status)
        .putHeader("Content-Type", Problem.CONTENT_TYPE)
        .putHeader(RequestIds.HEADER, requestId)
        .putHeader("Connection", "close")
        .end(p.toJson().encode())
        .onComplete(x -> {
          Context context = Vertx.currentContext();
          if (context == null) {
            request.connection().close();
          } else {
            context.owner().setTimer(LINGER_MS, id -> request.connection().close());
          }
        });
  }
}
