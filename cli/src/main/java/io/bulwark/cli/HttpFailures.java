package io.bulwark.cli;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Why an HTTP call got no answer, in one line an operator can act on: the most specific cause in the chain wins. */
final class HttpFailures {
  private HttpFailures() {}

  static String describe(Throwable failure, Duration timeout) {
    String limit = timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return "unknown host";
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof HttpConnectTimeoutException) {
        return "could not connect within " + limit;
      }
      if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
        return "no answer within " + limit;
      }
      if (t instanceof ConnectException) {
        return connectProblem(t);
      }
    }
    Throwable root = failure;
    while ((root instanceof CompletionException || root instanceof ExecutionException) && root.getCause() != null) {
      root = root.getCause();
    }
    return BulwarkCli.oneLine(root);
  }

  /** The JDK wraps the socket's reason ("Connection refused", "No route to host") in a ConnectException without one. */
  private static String connectProblem(Throwable connect) {
    String reason = null;
    for (Throwable t = connect; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        reason = t.getMessage();
      }
    }
    return reason == null ? "connection refused" : BulwarkCli.singleLine(reason).toLowerCase(Locale.ROOT);
  }
}
