package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Option;

/** {@code bulwark backup run}: starts a backup and, unless told not to, waits for it and prints how it ended. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Starts a backup (POST /admin/backups) and waits for it: polls GET /admin/backups/ID every second, "
        + "then less often (up to every 5 s), with progress on stderr, and prints the final summary.",
        "With --no-wait it prints the started backup and returns at once."},
    footer = {"", "Exit codes: 0 the backup succeeded (or was started, with --no-wait); 1 it failed (the reason and "
        + "detail are printed) or an answer could not be used; 2 bad input or a 4xx answer (409 backup.in_progress: "
        + "another run is going on, and the line names it); 3 the gateway is unreachable or answered 5xx, or --timeout "
        + "ran out (the backup goes on server-side: check it with bulwark backup show ID)."})
final class BackupRunCommand extends BackupSubcommand {
  @Option(names = "--no-wait", description = "Return as soon as the backup has started.")
  private boolean noWait;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m", description = "How long to wait for the "
      + "backup (e.g. 90s, 30m, 2h; default: ${DEFAULT-VALUE}). The backup goes on server-side after that.")
  private String timeout;

  @Override
  int run() throws CommandFailure {
    Duration limit = BackupCommand.waitLimit(timeout);
    GatewayOptions.Target target = target();
    GatewayClient gateway = client(target, BackupCommand.requestTimeout(limit));
    progress("starting a backup on " + gateway.authority() + "...");
    // the CLI waits by polling, so the POST itself returns at once instead of holding a request open for minutes
    GatewayClient.Answer started = ask(gateway, gateway.post("run", "/admin/backups?wait=false", null), 202, 200);
    JsonNode backup = member(object(started), "backup", started);
    String id = BackupText.text(backup, "id");
    if (id == null || !BackupCommand.BACKUP_ID.matcher(id).matches()) {
      throw new CommandFailure(CommandFailure.INCOMPLETE, "the gateway started a backup but its answer has no usable "
          + "id (request id " + started.requestId() + ")");
    }
    if (noWait) {
      progress("started backup " + id + " (request id " + started.requestId() + "); follow it with: "
          + showCommand(id));
      if (json) {
        printRaw(started);
      } else {
        printLines(BackupReport.summary(backup));
      }
      return ExitCode.OK;
    }
    progress("started backup " + id + " (request id " + started.requestId() + "); waiting up to "
        + BackupText.limit(limit) + " for it to finish...");
    BackupWatcher watcher = new BackupWatcher(gateway, parent.pacing, this::progress);
    JsonNode reply = watcher.await(id, r -> !"running".equals(BackupText.text(backupOf(r, id), "status")), limit,
        "backup " + id, showCommand(id));
    JsonNode done = backupOf(reply, id);
    String status = BackupText.orNone(done, "status");
    if (json) {
      printJson(reply);
    } else {
      List<String> lines = new ArrayList<>(BackupReport.summary(done));
      if ("succeeded".equals(status)) {
        lines.addAll(BackupReport.manifest(BackupText.object(reply, "manifest")));
      }
      printLines(lines);
    }
    if ("succeeded".equals(status)) {
      progress("backup " + id + " succeeded");
      return ExitCode.OK;
    }
    JsonNode failure = BackupText.object(done, "failure");
    throw new CommandFailure(CommandFailure.INCOMPLETE, "backup " + id + " " + status
        + (failure != null ? ": " + BackupReport.failure(failure) : ""));
  }

  private static JsonNode backupOf(JsonNode reply, String id) throws CommandFailure {
    JsonNode b = BackupText.object(reply, "backup");
    if (b == null || !id.equals(BackupText.text(b, "id"))) {
      throw new CommandFailure(CommandFailure.INCOMPLETE, "GET /admin/backups/" + id + " answered without that "
          + "backup: is the gateway older than this CLI?");
    }
    return b;
  }
}
