package io.bulwark.shared.http;

import io.bulwark.shared.log.LogContext;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * Gives every request an id: a well-formed incoming {@code x-request-id} is kept, anything else is replaced. The id is
 * echoed on the response and bound to the request's context for logging.
 */
public final class RequestIds implements Handler<RoutingContext> {
  public static final String HEADER = "x-request-id";
  static final String CTX_KEY = "bulwark.requestId";
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  public static boolean isValid(String candidate) {
    return candidate != null && VALID.matcher(candidate).matches();
  }

  /**
   * A new id: 20 random base-36 characters (about 103 bits). It correlates, it does not authorise, so it needs to be
   * unique, not unguessable: a thread-local generator keeps the secure one's cost off every request.
   */
  public static String generate() {
    char[] out = new char[20];
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int i = 0; i < out.length; i++) {
      out[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }

  public static String of(RoutingContext ctx) {
    String id = ctx.get(CTX_KEY);
    return id != null ? id : LogContext.requestId();
  }

  @Override
  public void handle(RoutingContext ctx) {
    String incoming = ctx.request().getHeader(HEADER);
    String id = isValid(incoming) ? incoming : generate();
    ctx.put(CTX_KEY, id);
    ctx.response().putHeader(HEADER, id);
    LogContext.bindRequestId(id);
    ctx.next();
  }
}
