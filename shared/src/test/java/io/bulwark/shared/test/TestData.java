package io.bulwark.shared.test;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the shared test data that lives beside the repository ({@code <repo>/../shared/testdata}), read in place and
 * never copied in. CI always has it there, so a missing folder fails the test instead of skipping it.
 */
public final class TestData {
  private TestData() {}

  /** The RFC 6962 proof vectors ({@code inclusion/} and {@code consistency/}). */
  public static Path rfc6962Vectors() {
    return require("rfc6962-vectors");
  }

  /** {@code <repo>/../shared/testdata/<name>}, found by walking up from the working directory (a module or the repo). */
  public static Path require(String name) {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolveSibling("shared").resolve("testdata").resolve(name);
      if (dir.getParent() != null && Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError("test data '" + name + "' not found: expected <repo>/../shared/testdata/" + name
        + " (searched upwards from " + start + "); CI checks out ../shared beside the repository");
  }
}
