package io.bulwark.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bulwark mfa}: second-factor enrolment for operators (resolving alerts asks for a TOTP code). */
@Command(name = "mfa", mixinStandardHelpOptions = true,
    description = "One-time-code (TOTP) enrolment of operators: the gateway asks for a code in X-MFA-Code before an "
        + "alert is resolved by hand.",
    subcommands = {MfaEnrollCommand.class},
    footer = {"", "Exit codes: 0 done, 2 bad input."})
public final class MfaCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("bulwark mfa: a subcommand is required (enroll)");
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE;
  }
}
