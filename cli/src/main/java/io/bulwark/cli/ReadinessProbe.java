package io.bulwark.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Asks the {@code /ready} endpoint of several management ports at once, each with its own time limit. */
public final class ReadinessProbe {
  private final Duration timeout;
  private final HttpClient client;

  public ReadinessProbe(Duration timeout) {
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** One result per URL, in the order given; never throws for an unreachable or misbehaving service. */
  public List<ServiceReadiness> probeAll(List<URI> managementUrls) {
    List<CompletableFuture<ServiceReadiness>> pending = managementUrls.stream().map(this::probe).toList();
    return pending.stream().map(CompletableFuture::join).toList();
  }

  private CompletableFuture<ServiceReadiness> probe(URI base) {
    HttpRequest request = HttpRequest.newBuilder(readyUrl(base)).timeout(timeout).header("Accept", "application/json")
        .GET().build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        // the request timeout ends at the headers; this one also bounds a body that trickles in
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(response -> ServiceReadiness.fromResponse(base, response.statusCode(), response.body()))
        .exceptionally(failure -> ServiceReadiness.unreachable(base, HttpFailures.describe(failure, timeout)));
  }

  /** {@code <base>/ready}, unless the URL already names the endpoint. */
  static URI readyUrl(URI base) {
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    if (path.endsWith("/ready")) {
      return base;
    }
    String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return URI.create(base.getScheme() + "://" + base.getRawAuthority() + trimmed + "/ready");
  }
}
