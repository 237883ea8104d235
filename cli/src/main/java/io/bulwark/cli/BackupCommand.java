package io.bulwark.cli;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bulwark backup}: lists, shows, runs, verifies, drills and restores database backups via the gateway. */
@Command(name = "backup", mixinStandardHelpOptions = true,
    description = {"Database backups through the gateway's admin API (/admin/backups): list and show them, start one, "
        + "and verify, drill (restore into a scratch database and check it) or restore one.",
        "Progress goes to stderr; results to stdout. Every subcommand takes --base-url and --token."},
    subcommands = {BackupListCommand.class, BackupShowCommand.class, BackupRunCommand.class,
        BackupCheckCommand.Verify.class, BackupCheckCommand.Drill.class, BackupCheckCommand.Restore.class},
    footer = {"", "Environment:", "  BULWARK_TOKEN  the admin key when --token is not given (keeps it out of the process "
        + "list and shell history).",
        "", "Exit codes: 0 done (the backup succeeded, the check passed); 1 the backup or check failed, or an answer "
        + "could not be used; 2 bad input (arguments, or a 4xx answer such as 401, 404 backup.not_found, 409 "
        + "backup.in_progress); 3 the gateway is unreachable or answered 5xx (e.g. 503 backup.unavailable), or the wait "
        + "ran out (the work goes on server-side)."})
public final class BackupCommand implements Callable<Integer> {
  /** The gateway refuses any other id with 400; checking here too keeps a typo from costing a request. */
  static final Pattern BACKUP_ID = Pattern.compile("b-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{4}");
  static final Pattern CHECK_ID = Pattern.compile("c-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{4}");
  static final Pattern DATABASE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  /** How long a single request may take; a wait for a run or check is made of many of them. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern WAIT = Pattern.compile("([0-9]{1,9})(ms|s|m|h)?");
  private static final Duration LONGEST_WAIT = Duration.ofHours(24);

  final Map<String, String> environment;
  final BackupWatcher.Pacing pacing;

  @Spec
  private CommandSpec spec;

  public BackupCommand() {
    this(System.getenv(), BackupWatcher.Pacing.DEFAULT);
  }

  /** For tests: the environment the token falls back to, and how often a wait polls the gateway. */
  BackupCommand(Map<String, String> environment, BackupWatcher.Pacing pacing) {
    this.environment = environment;
    this.pacing = pacing;
  }

  /** Without a subcommand there is nothing to do: show the usage and report bad arguments. */
  @Override
  public Integer call() {
    spec.commandLine().getErr().println("bulwark backup: a subcommand is required (list, show, run, verify, drill, "
        + "restore)");
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE;
  }

  /** {@code id} if it has the shape of a backup id; it goes into the request path, so nothing else may. */
  static String backupId(String id) throws CommandFailure {
    if (id == null || !BACKUP_ID.matcher(id).matches()) {
      throw badInput("'" + clip(id) + "' is not a backup id (expected b-YYYYMMDDTHHMMSSZ-xxxx, e.g. "
          + "b-20261123T021500Z-3f9a)");
    }
    return id;
  }

  /** {@code name} if PostgreSQL would take it unquoted, as backup-service does. */
  static String databaseName(String name) throws CommandFailure {
    if (name == null || !DATABASE.matcher(name).matches()) {
      throw badInput("--database '" + clip(name) + "' is not a database name (1-63 of a-z, 0-9 and _, not starting "
          + "with a digit)");
    }
    return name;
  }

  /** {@code 90s}, {@code 30m}, {@code 2h}, {@code 1500ms}, or a number of seconds; more than 0 and at most 24 h. */
  static Duration waitLimit(String value) throws CommandFailure {
    Matcher m = value == null ? null : WAIT.matcher(value.strip());
    if (m == null || !m.matches()) {
      throw badInput("--timeout '" + clip(value) + "' is not a duration (e.g. 90s, 30m, 2h)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration d = switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofSeconds(n);
    };
    if (d.isZero() || d.compareTo(LONGEST_WAIT) > 0) {
      throw badInput("--timeout must be more than 0 and at most 24h, not " + value);
    }
    return d;
  }

  /** Each request of a wait is bounded by the wait too, so a short --timeout is not overrun by one silent request. */
  static Duration requestTimeout(Duration waitLimit) {
    return waitLimit.compareTo(REQUEST_TIMEOUT) < 0 ? waitLimit : REQUEST_TIMEOUT;
  }

  /** The first backup id in {@code text} (a 409's detail names the run in progress), or null. */
  static String backupIdIn(String text) {
    Matcher m = Pattern.compile("b-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{4}").matcher(text == null ? "" : text);
    return m.find() ? m.group() : null;
  }

  /** Echoed input is cut short and kept on one line, so a pasted blob cannot flood or break the error line. */
  private static String clip(String value) {
    if (value == null) {
      return "";
    }
    String line = BulwarkCli.singleLine(value);
    return line.length() > 80 ? line.substring(0, 80) + "..." : line;
  }

  private static CommandFailure badInput(String message) {
    return new CommandFailure(CommandFailure.BAD_INPUT, message);
  }
}
