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
 * Calls the gateway with one admin credential, each request bounded by the same time limit. Every answer that is not
 * an expected success becomes a {@link CommandFailure} whose line names the gateway, the request, the problem code and
 * the request id, so the operator can find the matching log lines on the server.
 */
final class GatewayClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One answer: its bytes exactly as received and the request id the gateway logged it under. */
  record Answer(String method, String path, int status, byte[] body, String requestId) {}

  private final URI base;
  private final String token;
  private final Duration timeout;
  private final HttpClient client;
  private final String runId;

  /** {@code purpose} ("evidence", "backup") starts the request ids this client sends, to tell runs apart in logs. */
  GatewayClient(String purpose, URI base, String token, Duration timeout) {
    this.base = base;
    this.token = token;
    this.timeout = timeout;
    this.runId = purpose + "-" + RequestIds.generate();
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
    return send(name, "GET", pathAndQuery, accept, HttpRequest.newBuilder().GET());
  }

  /** Starts a POST of {@code json} (none when null); {@link #await} turns its outcome into an answer or a failure. */
  CompletableFuture<Answer> post(String name, String pathAndQuery, String json) {
    HttpRequest.Builder builder = HttpRequest.newBuilder();
    if (json == null) {
      builder.POST(HttpRequest.BodyPublishers.noBody());
    } else {
      builder.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    }
    return send(name, "POST", pathAndQuery, "application/json", builder);
  }

  private CompletableFuture<Answer> send(String name, String method, String pathAndQuery, String accept,
      HttpRequest.Builder builder) {
    // our own request id, so even a request that timed out can be looked up in the gateway's logs
    String sentId = runId + "-" + name;
    HttpRequest request = builder.uri(url(pathAndQuery)).timeout(timeout)
        .header("Authorization", "Bearer " + token).header("Accept", accept).header(RequestIds.HEADER, sentId).build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        // the request timeout stops at the headers; this also bounds a body that trickles in
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(r -> new Answer(method, pathAndQuery, r.statusCode(), r.body(),
            r.headers().firstValue(RequestIds.HEADER).orElse(sentId)))
        .exceptionally(failure -> {
          throw new CompletionException(unreachable(method, pathAndQuery, sentId, failure));
        });
  }

  /** The 200 answer of {@code pending}, or the failure an operator can act on. */
  Answer await(CompletableFuture<Answer> pending) throws CommandFailure {
    return await(pending, 200);
  }

  /** The answer of {@code pending} if its status is one of {@code accepted}, or the failure an operator can act on. */
  Answer await(CompletableFuture<Answer> pending, int... accepted) throws CommandFailure {
    Answer answer;
    try {
      answer = pending.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof CommandFailure f) {
        throw f;
      }
      throw new CommandFailure(CommandFailure.INCOMPLETE, "calling " + base + ": " + BulwarkCli.oneLine(e));
    }
    for (int status : accepted) {
      if (answer.status() == status) {
        return answer;
      }
    }
    throw refused(answer);
  }

  private CommandFailure refused(Answer a) {
    JsonNode problem = problem(a.body());
    String code = text(problem, "code");
    String detail = text(problem, "detail") != null ? text(problem, "detail") : text(problem, "title");
    String requestId = text(problem, "requestId") != null ? text(problem, "requestId") : a.requestId();
    String request = a.method() + " " + a.path();
    StringBuilder line = new StringBuilder("the gateway at ").append(authority()).append(" answered ").append(a.status());
    if (code != null) {
      line.append(' ').append(code);
    }
    line.append(" to ").append(request);
    if (detail != null) {
      line.append(": ").append(detail);
    } else if (problem == null) {
      line.append(" (not a problem+json answer: is --base-url the gateway's traffic port?)");
    }
    line.append(" (request id ").append(requestId).append(')');
    int status = a.status();
    // the operator's input is wrong (3xx: not the gateway's address; 4xx: key, org, backup id) or the gateway cannot
    // serve now: 503 db.unavailable / audit.unavailable / backup.unavailable, and also the 500 an outage can surface
    // as, are worth a retry later
    int exit = status >= 500 ? CommandFailure.UNREACHABLE
        : status >= 300 ? CommandFailure.BAD_INPUT : CommandFailure.INCOMPLETE;
    String summary = request + " answered " + status + (code != null ? " " + code : "") + " (request id "
        + requestId + ")";
    return new CommandFailure(exit, BulwarkCli.singleLine(line.toString()), status, code, detail,
        BulwarkCli.singleLine(summary));
  }

  private CommandFailure unreachable(String method, String path, String sentId, Throwable failure) {
    return new CommandFailure(CommandFailure.UNREACHABLE, "cannot reach the gateway at " + authority() + " (" + method
        + " " + path + ", request id " + sentId + "): " + HttpFailures.describe(failure, timeout));
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
