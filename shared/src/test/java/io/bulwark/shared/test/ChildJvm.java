package io.bulwark.shared.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A service jar running as a separate JVM process, its output in a file. {@link #close()} kills it if it still runs, so
 * a failing test never leaves a process behind.
 */
public final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ChildJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Runs {@code java -jar jar} with {@code env} added to this JVM's environment (minus inherited BULWARK_ and DB vars). */
  public static ChildJvm start(Path jar, Map<String, String> env, Path logFile, String... jvmArgs) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build it with ./mvnw package first");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.addAll(List.of(jvmArgs));
    cmd.add("-jar");
    cmd.add(jar.toAbsolutePath().toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("BULWARK_") || k.equals("DATABASE_URL") || k.endsWith("_PORT"));
    pb.environment().putAll(env);
    // generated development keys and archives go beside the log, never into the module's working directory
    pb.environment().putIfAbsent("BULWARK_DATA_DIR", logFile.toAbsolutePath().resolveSibling(logFile.getFileName() + ".data").toString());
    try {
      return new ChildJvm(pb.start(), logFile);
    } catch (IOException e) {
      throw new IllegalStateException("could not start " + jar + ": " + e.getMessage(), e);
    }
  }

  public Process process() {
    return process;
  }

  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  /** Waits until the output contains {@code text}; fails with the output if the process dies or time runs out. */
  public void awaitOutput(String text, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (output().contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("process exited with " + process.exitValue() + " before printing '" + text + "':\n" + output());
      }
      Http.sleep(100);
    }
    throw new AssertionError("no '" + text + "' within " + timeout + ":\n" + output());
  }

  /** Sends SIGTERM and waits for the exit code. */
  public int terminate(Duration timeout) {
    process.destroy();
    try {
      if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("process did not exit within " + timeout + " of SIGTERM:\n" + output());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
