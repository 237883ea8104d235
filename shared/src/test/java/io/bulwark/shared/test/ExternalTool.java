package io.bulwark.shared.test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds a binary a test needs (promtool, prometheus, docker-compose). On a developer machine without it the test is
 * skipped with the install hint; under CI ({@code CI=true}, where .ci/run installs them) a missing tool fails the test.
 */
public final class ExternalTool {
  private ExternalTool() {}

  public static Path require(String name, String debianPackage) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    String hint = name + " is not installed (apt-get install -y " + debianPackage + ")";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(hint + "; CI must install it");
    }
    return Assumptions.abort(hint);
  }

  /** Runs a command to completion (bounded), returning exit code and combined output. */
  public static Result run(long timeoutSeconds, String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
      }
      return new Result(p.exitValue(), new String(out, java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new AssertionError("could not run " + command[0] + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Exit code and output of a finished command. */
  public record Result(int exitCode, String output) {}
}
