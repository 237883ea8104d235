package io.bulwark.cli;

import io.bulwark.shared.BuildInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Entry point of the operator CLI ({@code java -jar bulwark-cli.jar <command>}). */
@Command(name = "bulwark", mixinStandardHelpOptions = true, versionProvider = BulwarkCli.Version.class,
    description = "Operator tools for a Bulwark installation.",
    subcommands = {StatusCommand.class, VerifyCommand.class, EvidencePackCommand.class, BackupCommand.class,
        AccessCodeCommand.class, MfaCommand.class, VersionCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Exit codes: 0 success, 1 a check failed or the command could not finish, 2 bad arguments, 3 the "
        + "gateway could not be reached or is unavailable (evidence-pack, backup)."})
public final class BulwarkCli implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command tree; an unexpected failure prints one line and exits 1 instead of a stack trace. */
  public static CommandLine commandLine() {
    return new CommandLine(new BulwarkCli()).setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("bulwark: " + oneLine(e));
      return ExitCode.SOFTWARE;
    });
  }

  /** Without a subcommand there is nothing to do: show the usage and report bad arguments. */
  @Override
  public Integer call() {
    spec.commandLine().getErr().println("bulwark: a command is required");
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE;
  }

  /** The message of {@code e} (or its type, when it has none) on one line. */
  static String oneLine(Throwable e) {
    return singleLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
  }

  /** {@code text} with line breaks and other control characters folded into single spaces. */
  static String singleLine(String text) {
    return text.replaceAll("[\\s\\p{Cntrl}]+", " ").trim();
  }

  /** Supplies {@code --version}. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {BuildInfo.version()};
    }
  }
}
