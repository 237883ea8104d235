package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bulwark.shared.http.RequestIds;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Reads the gateway with one admin credential, each request bounded by the same time limit. Every answer that is not
 * a 200 becomes an {@link EvidenceFailure} whose line names the gateway, the request, the problem code and the
 * request id, so the operator can find the matching log lines on the server.
 */
final class GatewayReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One 200 answer: its bytes exactly as received and the request id the gateway logged it under. */
  record Answer(String path, int status, byte[] body, String requestId) {}

  private final URI base;
  private final String token;
  private final Duration timeout;
  private final HttpClient client;
  private final String runId = "evidence-" + RequestIds.generate();

  GatewayReader(URI base, String token, Duration timeout) {
    this.base = base;
    this.token = token;
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** {@code base} plus {@code pathAndQuery}, keeping any path prefix the gateway is mounted under. */
  URI url(String pathAndQuery) {
    String prefix = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
    return URI.create(base.getScheme() + "://" + base.getRawAuthority() + prefix + pathAndQuery);
  }

  /** Starts a GET; {@link #await} turns its outcome into an answer or a failure. */
  CompletableFuture<Answer> get(String name, String pathAndQuery, String accept) {
    // our own request id, so even a request that timed out can be looked up in the gateway's logs
    String sentId = runId + "-" + name;
    HttpRequest request = HttpRequest.newBuilder(url(pathAndQuery)).timeout(timeout)
        .header("Authorization", "Bearer " + token).header("Accept", accept).header(RequestIds.HEADER, sentId)
        .GET().build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        // the request timeout stops at the headers; this also bounds a body that trickles in
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(r -> new Answer(pathAndQuery, r.statusCode(), r.body(),
            r.headers().firstValue(RequestIds.HEADER).orElse(sentId)))
        .exceptionally(failure -> {
          throw new CompletionException(unreachable(pathAndQuery, sentId, failure));
        });
  }

  /** The 200 answer of {@code pending}, or the failure an operator can act on. */
  Answer await(CompletableFuture<Answer> pending) throws EvidenceFailure {
    Answer answer;
    try {
      answer = pending.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof EvidenceFailure f) {
        throw f;
      }
      throw new EvidenceFailure(EvidenceFailure.INCOMPLETE, "GET " + base + ": " + BulwarkCli.oneLine(e));
    }
    if (answer.status() == 200) {
      return answer;
    }
    throw refused(answer);
  }

  private EvidenceFailure refused(Answer a) {
    JsonNode problem = problem(a.body());
    String code = text(problem, "code");
    String detail = text(problem, "detail") != null ? text(problem, "detail") : text(problem, "title");
    String requestId = text(problem, "requestId") != null ? text(problem, "requestId") : a.requestId();
    StringBuilder line = new StringBuilder("the gateway at ").append(authority()).append(" answered ").append(a.status());
    if (code != null) {
      line.append(' ').append(code);
    }
    line.append(" to GET ").append(a.path());
    if (detail != null) {
      line.append(": ").append(detail);
    } else if (problem == null) {
      line.append(" (not a problem+json answer: is --base-url the gateway's traffic port?)");
    }
    line.append(" (request id ").append(requestId).append(')');
    int status = a.status();
    // the operator's input is wrong (3xx: not the gateway's address; 4xx: key, org) or the gateway cannot serve now:
    // 503 db.unavailable / audit.unavailable, and also the 500 an outage can surface as, are worth a retry later
    int exit = status >= 500 ? EvidenceFailure.UNREACHABLE
        : status >= 300 ? EvidenceFailure.BAD_INPUT : EvidenceFailure.INCOMPLETE;
    String summary = "GET " + a.path() + " answered " + status + (code != null ? " " + code : "") + " (request id "
        + requestId + ")";
    return new EvidenceFailure(exit, BulwarkCli.singleLine(line.toString()), status, BulwarkCli.singleLine(summary));
  }

  private EvidenceFailure unreachable(String path, String sentId, Throwable failure) {
    return new EvidenceFailure(EvidenceFailure.UNREACHABLE, "cannot reach the gateway at " + authority() + " (GET " + path
        + ", request id " + sentId + "): " + HttpFailures.describe(failure, timeout));
  }

  /** host:port even when the URL leaves the port implicit, since that is what the operator has to check. */
  String authority() {
    int port = base.getPort() != -1 ? base.getPort() : "https".equalsIgnoreCase(base.getScheme()) ? 443 : 80;
    return base.getHost() + ":" + port;
  }

  private static JsonNode problem(byte[] body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static String text(JsonNode node, String field) {
    return node != null && node.get(field) != null && node.get(field).isTextual() ? node.get(field).asText() : null;
  }
}
