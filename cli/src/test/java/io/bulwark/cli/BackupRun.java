package io.bulwark.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** One {@code bulwark backup ...} run in-process, with its exit code, stdout and stderr, for the backup tests. */
record BackupRun(int exit, String out, String err) {
  static final String TOKEN = "unit-backup-admin-key-0123456789";
  /** Fast polls, so waits in tests take milliseconds, not seconds. */
  static final BackupWatcher.Pacing FAST = new BackupWatcher.Pacing(Duration.ofMillis(20), Duration.ofMillis(60));

  /** Runs the backup command with {@code env} as the environment (none of the machine's BULWARK_TOKEN leaks in). */
  static BackupRun of(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new BackupCommand(env, FAST));
    cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new BackupRun(exit, out.toString(), err.toString());
  }

  /** The failure lines: those that start with "bulwark backup " (progress lines are the others). */
  List<String> failures() {
    return err.lines().filter(l -> l.startsWith("bulwark backup ")).toList();
  }

  List<String> outLines() {
    return out.lines().toList();
  }

  @Override
  public String toString() {
    return "exit " + exit + "\n--- out ---\n" + out + "--- err ---\n" + err;
  }
}
