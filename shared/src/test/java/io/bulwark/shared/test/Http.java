package io.bulwark.shared.test;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** A small blocking HTTP client for tests (JDK HttpClient, HTTP/1.1, loopback only). */
public final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  private Http() {}

  public static HttpResponse<String> get(String url, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET(), headers);
  }

  public static HttpResponse<String> post(String url, String body, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)), headers);
  }

  public static HttpResponse<String> send(HttpRequest.Builder b, String... headers) {
    return send(b, HttpResponse.BodyHandlers.ofString(), Duration.ofSeconds(10), headers);
  }

  /** {@link #send} keeping the body's exact bytes (downloads whose digest is checked). */
  public static HttpResponse<byte[]> sendBytes(HttpRequest.Builder b, String... headers) {
    return send(b, HttpResponse.BodyHandlers.ofByteArray(), Duration.ofSeconds(30), headers);
  }

  private static <T> HttpResponse<T> send(HttpRequest.Builder b, HttpResponse.BodyHandler<T> body, Duration timeout,
                                          String... headers) {
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      return CLIENT.send(b.timeout(timeout).build(), body);
    } catch (IOException e) {
      throw new IllegalStateException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  /** Polls {@code url} until {@code done} accepts the response or {@code timeout} passes; returns the last response. */
  public static HttpResponse<String> await(String url, Duration timeout, Predicate<HttpResponse<String>> done) {
    long end = System.nanoTime() + timeout.toNanos();
    HttpResponse<String> last = null;
    while (System.nanoTime() < end) {
      try {
        last = get(url);
        if (done.test(last)) {
          return last;
        }
      } catch (IllegalStateException e) {
        // not listening yet
      }
      sleep(100);
    }
    return last;
  }

  public static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
