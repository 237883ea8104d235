package io.bulwark.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every {@code bulwark backup} subcommand shares: the gateway options, {@code --json}, stdout for results, stderr
 * for progress, and one error line with the exit code of the {@link CommandFailure} that stopped it.
 */
abstract class BackupSubcommand implements Callable<Integer> {
  static final ObjectMapper JSON = new ObjectMapper();

  @Spec
  CommandSpec spec;

  @ParentCommand
  BackupCommand parent;

  @Mixin
  GatewayOptions gatewayOptions;

  @Option(names = "--json", order = 90, description = "Print the gateway's JSON instead of text.")
  boolean json;

  @Override
  public final Integer call() {
    try {
      return run();
    } catch (CommandFailure f) {
      err().println(prefix() + BulwarkCli.singleLine(f.getMessage()));
      err().flush();
      return f.exitCode();
    }
  }

  /** The subcommand's work; its exit code, or a {@link CommandFailure} for the one line the operator sees. */
  abstract int run() throws CommandFailure;

  /** The gateway and key, checked before any request. */
  GatewayOptions.Target target() throws CommandFailure {
    return gatewayOptions.resolve(parent.environment);
  }

  GatewayClient client(GatewayOptions.Target target, Duration requestTimeout) {
    return new GatewayClient("backup", target.base(), target.token(), requestTimeout);
  }

  /**
   * The answer of {@code pending} if its status is one of {@code accepted}; a refusal gets the hint that says what to
   * do about it (which run is in progress, how to find a backup's id).
   */
  GatewayClient.Answer ask(GatewayClient gateway, CompletableFuture<GatewayClient.Answer> pending, int... accepted)
      throws CommandFailure {
    try {
      return gateway.await(pending, accepted);
    } catch (CommandFailure f) {
      throw f.withHint(hint(f));
    }
  }

  private String hint(CommandFailure f) {
    if (f.code() == null) {
      return "";
    }
    String running = BackupCommand.backupIdIn(f.detail());
    return switch (f.code()) {
      case "backup.not_found" -> "; list the backups with: bulwark backup list --status all";
      case "backup.in_progress" -> running != null ? "; follow it with: " + showCommand(running) : "";
      case "backup.not_available" -> "; only a backup that succeeded and is not pruned can be checked or restored";
      case "restore.refused" -> "; restore into a new database (--database NAME), never the live one";
      default -> "";
    };
  }

  /** The JSON object of a 2xx answer; anything else means this CLI and the gateway disagree (exit 1). */
  static JsonNode object(GatewayClient.Answer a) throws CommandFailure {
    try {
      JsonNode node = JSON.readTree(a.body());
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (IOException e) {
      // falls through to the same failure as a non-object
    }
    throw new CommandFailure(CommandFailure.INCOMPLETE, a.method() + " " + a.path() + " answered " + a.status()
        + " with something that is not a JSON object (request id " + a.requestId() + ")");
  }

  /** {@code node.get(field)} if it is a JSON object, else a failure naming what was missing. */
  static JsonNode member(JsonNode node, String field, GatewayClient.Answer from) throws CommandFailure {
    JsonNode m = node.get(field);
    if (m == null || !m.isObject()) {
      throw new CommandFailure(CommandFailure.INCOMPLETE, from.method() + " " + from.path() + " answered without a '"
          + field + "' object (request id " + from.requestId() + "): is the gateway older than this CLI?");
    }
    return m;
  }

  /** The answer's bytes as received, for {@code --json}: nothing is lost or reordered on the way to a script. */
  void printRaw(GatewayClient.Answer a) {
    String body = new String(a.body(), StandardCharsets.UTF_8).strip();
    out().println(body);
    out().flush();
  }

  /** A JSON value the CLI holds (not bytes received), compact on one line. */
  void printJson(JsonNode node) throws CommandFailure {
    try {
      out().println(JSON.writeValueAsString(node));
      out().flush();
    } catch (JsonProcessingException e) {
      throw new CommandFailure(CommandFailure.INCOMPLETE, "cannot print the answer as JSON: " + BulwarkCli.oneLine(e));
    }
  }

  void printLines(java.util.List<String> lines) {
    lines.forEach(out()::println);
    out().flush();
  }

  /** How to ask about the same backup again, for lines that send the operator to {@code backup show}. */
  String showCommand(String backupId) {
    return "bulwark backup show " + backupId + " --base-url " + gatewayOptions.baseUrl.strip();
  }

  void progress(String line) {
    err().println(line);
    err().flush();
  }

  String prefix() {
    return "bulwark backup " + spec.name() + ": ";
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
