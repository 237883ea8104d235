package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bulwark backup verify|drill|restore ID}: asks backup-service to check a backup, waits for the check to finish
 * and prints its result. A failed check is exit 1 with its reason and detail.
 */
abstract class BackupCheckCommand extends BackupSubcommand {
  private static final String EXIT_CODES = "Exit codes: 0 the check passed; 1 it failed (the reason and detail are "
      + "printed) or an answer could not be used; 2 bad input or a 4xx answer (404 backup.not_found, 409 "
      + "backup.not_available, backup.in_progress or restore.refused); 3 the gateway is unreachable or answered 5xx, or "
      + "--timeout ran out (the check goes on server-side: see it with bulwark backup show ID).";

  @Parameters(index = "0", paramLabel = "ID", description = "The backup id, e.g. b-20261123T021500Z-3f9a.")
  private String id;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m", description = "How long to wait for the "
      + "check (e.g. 90s, 30m, 2h; default: ${DEFAULT-VALUE}). The check goes on server-side after that.")
  private String timeout;

  /** verify, drill or restore: the last segment of the route and the check's kind. */
  abstract String kind();

  /** The request body, validated; none by default. */
  ObjectNode body() throws CommandFailure {
    return null;
  }

  @Override
  int run() throws CommandFailure {
    String backupId = BackupCommand.backupId(id);
    ObjectNode body = body();
    Duration limit = BackupCommand.waitLimit(timeout);
    GatewayOptions.Target target = target();
    GatewayClient gateway = client(target, BackupCommand.requestTimeout(limit));
    progress("starting " + kind() + " of " + backupId + " on " + gateway.authority() + "...");
    String path = "/admin/backups/" + backupId + "/" + kind() + "?wait=false";
    GatewayClient.Answer started = ask(gateway, gateway.post(kind(), path, body == null ? null : body.toString()),
        202, 200);
    JsonNode check = member(object(started), "check", started);
    String checkId = BackupText.text(check, "id");
    if (checkId == null || !BackupCommand.CHECK_ID.matcher(checkId).matches()) {
      throw new CommandFailure(CommandFailure.INCOMPLETE, "the gateway started a " + kind() + " but its answer has no "
          + "usable check id (request id " + started.requestId() + ")");
    }
    String what = kind() + " " + checkId + " of " + backupId;
    if ("running".equals(BackupText.text(check, "status"))) {
      progress("started " + what + " (request id " + started.requestId() + "); waiting up to "
          + BackupText.limit(limit) + " for it to finish...");
      CheckLookup lookup = new CheckLookup(backupId, checkId);
      JsonNode reply = new BackupWatcher(gateway, parent.pacing, this::progress)
          .await(backupId, lookup::over, limit, what, showCommand(backupId));
      check = lookup.find(reply);
    }
    if (json) {
      printJson(check);
    } else {
      printLines(CheckReport.render(check));
    }
    String status = BackupText.orNone(check, "status");
    if ("passed".equals(status)) {
      progress(what + " passed");
      return ExitCode.OK;
    }
    throw new CommandFailure(CommandFailure.INCOMPLETE, what + " " + status + ": " + BackupReport.failure(check));
  }

  /** Finds the check among the backup's checks; one the gateway keeps not listing is a disagreement, not a wait. */
  private static final class CheckLookup {
    private final String backupId;
    private final String checkId;
    private int absent;

    CheckLookup(String backupId, String checkId) {
      this.backupId = backupId;
      this.checkId = checkId;
    }

    boolean over(JsonNode reply) throws CommandFailure {
      JsonNode c = find(reply);
      if (c == null) {
        if (++absent >= BackupWatcher.MISSES) {
          throw new CommandFailure(CommandFailure.INCOMPLETE, "GET /admin/backups/" + backupId + " does not list check "
              + checkId + " (asked " + absent + " times)");
        }
        return false;
      }
      absent = 0;
      return !"running".equals(BackupText.text(c, "status"));
    }

    JsonNode find(JsonNode reply) {
      JsonNode checks = reply.get("checks");
      if (checks != null && checks.isArray()) {
        for (JsonNode c : checks) {
          if (checkId.equals(BackupText.text(c, "id"))) {
            return c;
          }
        }
      }
      return null;
    }
  }

  /** {@code bulwark backup verify ID}. */
  @Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Verifies a backup (POST /admin/backups/ID/verify): its manifest, its file against the recorded "
          + "SHA-256, that it decrypts, and a full pg_restore of it to nowhere; waits and prints each step.",
      footer = {"", EXIT_CODES})
  static final class Verify extends BackupCheckCommand {
    @Override
    String kind() {
      return "verify";
    }
  }

  /** {@code bulwark backup drill ID}. */
  @Command(name = "drill", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Runs a restore drill (POST /admin/backups/ID/drill): restores the backup into a scratch database, "
          + "checks migration heads, the audit ledger and row counts, and drops it; waits and prints each step, the "
          + "ledger verdict and any row count that differs from the manifest.",
      footer = {"", EXIT_CODES})
  static final class Drill extends BackupCheckCommand {
    @Override
    String kind() {
      return "drill";
    }
  }

  /** {@code bulwark backup restore ID [--database NAME]}. */
  @Command(name = "restore", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Restores a backup into a new database (POST /admin/backups/ID/restore), never the live one, and "
          + "checks it like a drill; waits and prints each step, the ledger verdict, row counts, the database, "
          + "whether it is ready to promote and the steps to promote it.",
          "To promote it: point DATABASE_URL at the restored database and restart the services."},
      footer = {"", EXIT_CODES})
  static final class Restore extends BackupCheckCommand {
    @Option(names = "--database", paramLabel = "NAME", description = "The new database's name ([a-z_][a-z0-9_]{0,62});"
        + " default: backup-service picks one.")
    private String database;

    @Override
    String kind() {
      return "restore";
    }

    @Override
    ObjectNode body() throws CommandFailure {
      return database == null ? null : JSON.createObjectNode().put("database", BackupCommand.databaseName(database));
    }
  }
}
