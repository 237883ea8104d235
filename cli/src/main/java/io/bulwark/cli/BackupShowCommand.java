package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Parameters;

/** {@code bulwark backup show ID}: one backup's summary, manifest highlights and checks. */
@Command(name = "show", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Shows one backup (GET /admin/backups/ID): its summary, the manifest's highlights (migration heads, "
        + "ledger and checkpoint size, row totals, file and SHA-256) and its verify / drill / restore checks.",
    footer = {"", "Exit codes: 0 shown; 1 the answer could not be used; 2 bad input or a 4xx answer (404 "
        + "backup.not_found); 3 the gateway is unreachable or answered 5xx."})
final class BackupShowCommand extends BackupSubcommand {
  @Parameters(index = "0", paramLabel = "ID", description = "The backup id, e.g. b-20261123T021500Z-3f9a.")
  private String id;

  @Override
  int run() throws CommandFailure {
    String backupId = BackupCommand.backupId(id);
    GatewayOptions.Target target = target();
    GatewayClient gateway = client(target, BackupCommand.REQUEST_TIMEOUT);
    GatewayClient.Answer answer = ask(gateway, gateway.get("show", "/admin/backups/" + backupId,
        "application/json"), 200);
    if (json) {
      printRaw(answer);
    } else {
      JsonNode reply = object(answer);
      member(reply, "backup", answer);
      printLines(BackupReport.show(reply));
    }
    return ExitCode.OK;
  }
}
