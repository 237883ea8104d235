package io.bulwark.cli;

import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Option;

/** {@code bulwark backup list}: the backups the gateway knows of, newest first, as a table or as its JSON. */
@Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Lists backups (GET /admin/backups), newest first: id, status, finish time, size, whether encrypted, "
        + "and the last verification and drill.",
    footer = {"", "Exit codes: 0 listed; 1 the answer could not be used; 2 bad input or a 4xx answer; 3 the gateway "
        + "is unreachable or answered 5xx."})
final class BackupListCommand extends BackupSubcommand {
  private static final Set<String> STATUSES = Set.of("available", "failed", "all");
  /** The gateway's own ceiling; asking for more would only earn a 400. */
  static final int MAX_LIMIT = 500;

  @Option(names = "--status", paramLabel = "STATUS", defaultValue = "available", description = "available (succeeded"
      + " and not pruned), failed or all (default: ${DEFAULT-VALUE}).")
  private String status;

  @Option(names = "--limit", paramLabel = "N", description = "At most N backups (1-" + MAX_LIMIT + "; default: the "
      + "gateway's, 50).")
  private Integer limit;

  @Override
  int run() throws CommandFailure {
    if (!STATUSES.contains(status)) {
      throw new CommandFailure(CommandFailure.BAD_INPUT, "--status must be available, failed or all, not '"
          + BulwarkCli.singleLine(status) + "'");
    }
    if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
      throw new CommandFailure(CommandFailure.BAD_INPUT, "--limit must be 1 to " + MAX_LIMIT + ", not " + limit);
    }
    GatewayOptions.Target target = target();
    GatewayClient gateway = client(target, BackupCommand.REQUEST_TIMEOUT);
    String path = "/admin/backups?status=" + status + (limit != null ? "&limit=" + limit : "");
    GatewayClient.Answer answer = ask(gateway, gateway.get("list", path, "application/json"), 200);
    if (json) {
      printRaw(answer);
    } else {
      printLines(BackupTable.render(object(answer), status));
    }
    return ExitCode.OK;
  }
}
