package io.bulwark.backup.pg;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the PostgreSQL client programs (pg_dump, pg_restore, psql) in {@code BULWARK_PG_BIN_DIR} or on the PATH, tells
 * their versions, and says when a pg_dump is too old for the server it would dump.
 */
public final class PgClientTools {
  /** The environment variable naming the directory of the client programs. */
  public static final String BIN_DIR_VARIABLE = "BULWARK_PG_BIN_DIR";

  private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(10);
  private static final int VERSION_OUTPUT_LIMIT = 4096;
  // "15.20", "17.2", "16beta1", "18rc1", "17devel", "9.6.24": the leading number is the major (for 10 and later)
  private static final Pattern VERSION = Pattern.compile("(\\d+)(?:\\.\\d+)*(?:(?:alpha|beta|rc)\\d+|devel)?");
  private static final Pattern PRODUCT = Pattern.compile("\\(PostgreSQL\\)\\s+");

  private final Path binDir;
  private final String path;

  /** Looks in {@code binDir}, or on this process's PATH when it is null. */
  public PgClientTools(Path binDir) {
    this(binDir, System.getenv("PATH"));
  }

  PgClientTools(Path binDir, String path) {
    this.binDir = binDir;
    this.path = path == null ? "" : path;
  }

  /** Tools configured by {@value #BIN_DIR_VARIABLE} when it is set and not blank, otherwise found on the PATH. */
  public static PgClientTools fromEnvironment() {
    String dir = System.getenv(BIN_DIR_VARIABLE);
    return new PgClientTools(dir == null || dir.isBlank() ? null : Path.of(dir.strip()));
  }

  /** The configured directory, or null when the PATH is searched. */
  public Path binDir() {
    return binDir;
  }

  /** The pg_dump to run. */
  public Path pgDump() throws MissingToolException {
    return require("pg_dump");
  }

  /** The pg_restore to run. */
  public Path pgRestore() throws MissingToolException {
    return require("pg_restore");
  }

  /** The psql to run. */
  public Path psql() throws MissingToolException {
    return require("psql");
  }

  /** psql when it is installed: it is optional, unlike pg_dump and pg_restore. */
  public Optional<Path> findPsql() {
    return find("psql");
  }

  /** Runs {@code <tool> --version} and reads the version it prints. */
  public Version version(Path tool) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputStream bounded = new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        // --version prints one line; anything long is not a PostgreSQL tool and is not worth keeping
        out.write(b, off, Math.max(0, Math.min(len, VERSION_OUTPUT_LIMIT - out.size())));
      }
    };
    ChildProcess.Result result;
    try {
      result = ChildProcess.run(new ChildProcess.Spec(List.of(tool.toString(), "--version"), null, null, bounded,
          VERSION_TIMEOUT));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + tool + " --version", e);
    }
    String text = out.toString(StandardCharsets.UTF_8).strip();
    if (result.timedOut()) {
      throw new IOException(tool + " --version did not answer within " + VERSION_TIMEOUT.toSeconds() + " s");
    }
    if (result.exitCode() != 0) {
      throw new IOException(tool + " --version exited with " + result.exitCode() + ": " + result.stderrTail().strip());
    }
    String firstLine = text.lines().findFirst().orElse("");
    Matcher product = PRODUCT.matcher(firstLine);
    if (!product.find()) {
      throw new IOException(tool + " does not look like a PostgreSQL program: --version printed '" + firstLine + "'");
    }
    return parseVersion(firstLine.substring(product.end()))
        .orElseThrow(() -> new IOException("cannot read a version from " + tool + " --version: '" + firstLine + "'"));
  }

  /**
   * Reads a server's {@code SHOW server_version}, such as {@code 14.15}, {@code 15.20 (Debian 15.20-0+deb12u1)} or
   * {@code 16beta1}.
   *
   * @throws IllegalArgumentException when the text holds no version
   */
  public static Version parseServerVersion(String serverVersion) {
    Objects.requireNonNull(serverVersion, "serverVersion");
    return parseVersion(serverVersion.strip())
        .orElseThrow(() -> new IllegalArgumentException("not a PostgreSQL version: '" + serverVersion + "'"));
  }

  /**
   * Null when {@code client} (a pg_dump) can dump a server of version {@code server}, which takes a pg_dump of the same
   * major version or newer; otherwise the sentence to show the operator.
   */
  public static String compatibility(Version client, Version server) {
    if (client.major() >= server.major()) {
      return null;
    }
    return "pg_dump " + client.major() + ".x cannot dump a PostgreSQL " + server.major() + " server: install"
        + " postgresql-client-" + server.major() + " or newer, or set " + BIN_DIR_VARIABLE
        + " to the bin directory of a pg_dump " + server.major() + " or newer (found pg_dump " + client.text()
        + ", server " + server.text() + ")";
  }

  /** A PostgreSQL version: the text as printed ({@code 15.20}, {@code 16beta1}) and its major number. */
  public record Version(String text, int major) {
    public Version {
      Objects.requireNonNull(text, "text");
    }

    @Override
    public String toString() {
      return text;
    }
  }

  private static Optional<Version> parseVersion(String text) {
    Matcher m = VERSION.matcher(text);
    if (!m.lookingAt()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Version(m.group(), Integer.parseInt(m.group(1))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private Path require(String tool) throws MissingToolException {
    Optional<Path> found = find(tool);
    if (found.isPresent()) {
      return found.get();
    }
    List<String> searched = directories().stream().map(Path::toString).toList();
    String where = binDir != null
        ? "in " + BIN_DIR_VARIABLE + "=" + binDir + " (no executable " + binDir.resolve(tool) + ")"
        : searched.isEmpty() ? "on the PATH, which is empty" : "on the PATH (" + String.join(File.pathSeparator, searched) + ")";
    String fix = binDir != null
        ? "point " + BIN_DIR_VARIABLE + " at the bin directory of a PostgreSQL client installation (for example"
            + " /usr/lib/postgresql/15/bin), or unset it to search the PATH"
        : "install the PostgreSQL client tools (Debian: apt-get install postgresql-client), or set "
            + BIN_DIR_VARIABLE + " to the directory that holds " + tool;
    throw new MissingToolException(tool, searched, tool + " not found " + where + ": " + fix);
  }

  private Optional<Path> find(String tool) {
    for (Path dir : directories()) {
      Path candidate = dir.resolve(tool);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate.toAbsolutePath());
      }
    }
    return Optional.empty();
  }

  private List<Path> directories() {
    if (binDir != null) {
      return List.of(binDir);
    }
    List<Path> dirs = new ArrayList<>();
    for (String entry : path.split(Pattern.quote(File.pathSeparator))) {
      if (!entry.isBlank()) {
        try {
          dirs.add(Path.of(entry));
        } catch (InvalidPathException e) {
          // a malformed PATH entry cannot hold the tool; the others still can
        }
      }
    }
    return dirs;
  }
}
