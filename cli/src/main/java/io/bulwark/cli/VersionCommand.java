package io.bulwark.cli;

import io.bulwark.shared.BuildInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bulwark version}: prints the build's version and git commit. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Prints the version and git commit of this build.")
public final class VersionCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println(BuildInfo.version());
    return ExitCode.OK;
  }
}
