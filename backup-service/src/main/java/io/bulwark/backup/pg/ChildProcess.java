package io.bulwark.backup.pg;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an external program (pg_dump, pg_restore, psql) without leaking it: output streams through bounded buffers, a
 * timeout kills the whole process tree, and on every path out (success, timeout, a failing sink, interrupt) the child
 * is dead and reaped before {@link #run} returns or throws.
 */
public final class ChildProcess {
  /** Buffer for copying the child's standard output. */
  public static final int STDOUT_BUFFER = 64 * 1024;
  /** How much of the end of the child's standard error is kept. */
  public static final int STDERR_TAIL = 16 * 1024;
  /**
   * The only variables the child inherits from this process, besides {@link Spec#environment()}: enough for locale,
   * time zone and finding programs, and nothing else (no credentials of this service reach the child by accident).
   */
  public static final List<String> INHERITED_ENVIRONMENT =
      List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TZ", "TMPDIR");

  private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);
  // how long to wait for pipes to drain once the child is gone: a descendant that kept them open is not waited for
  private static final long DRAIN_GRACE_MS = 5_000;

  private ChildProcess() {}

  /**
   * What to run. {@code environment} is added to the minimal inherited one ({@link #INHERITED_ENVIRONMENT}); pass
   * passwords there (PGPASSWORD), never on the command line, which other users can see. {@code stdin} null closes the
   * child's input at once; {@code stdout} null discards its output (still counted). {@code toString()} shows the
   * names of the environment variables, never their values.
   */
  private static final long STDIN_JOIN_MS = 30_000;

  public record Spec(List<String> command, Map<String, String> environment, InputStream stdin, OutputStream stdout,
      Duration timeout) {
    public Spec {
      command = List.copyOf(Objects.requireNonNull(command, "command"));
      if (command.isEmpty()) {
        throw new IllegalArgumentException("command is empty");
      }
      environment = environment == null ? Map.of() : Map.copyOf(environment);
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, not " + timeout);
      }
    }

    /** A command with no extra environment, no input and discarded output. */
    public static Spec of(List<String> command, Duration timeout) {
      return new Spec(command, Map.of(), null, null, timeout);
    }

    /** This spec with the given extra environment. */
    public Spec withEnvironment(Map<String, String> extra) {
      return new Spec(command, extra, stdin, stdout, timeout);
    }

    /** This spec reading the child's input from {@code in}. */
    public Spec withStdin(InputStream in) {
      return new Spec(command, environment, in, stdout, timeout);
    }

    /** This spec writing the child's output to {@code out}. */
    public Spec withStdout(OutputStream out) {
      return new Spec(command, environment, stdin, out, timeout);
    }

    @Override
    public String toString() {
      return "Spec[command=" + command + ", environment=" + new java.util.TreeSet<>(environment.keySet())
          + ", stdin=" + (stdin == null ? "none" : "piped") + ", stdout=" + (stdout == null ? "discarded" : "piped")
          + ", timeout=" + timeout + "]";
    }
  }

  /**
   * How a run ended. {@code exitCode} is the child's (137 when it was killed); {@code timedOut} is true when the
   * timeout passed, including when the child exited but a descendant kept its output open past it;
   * {@code stderrTail} is the end of its standard error as UTF-8, starting at a line boundary when cut.
   */
  public record Result(int exitCode, boolean timedOut, String stderrTail, long stdoutBytes, Duration elapsed) {
    /** Exited 0 within the timeout. */
    public boolean succeeded() {
      return exitCode == 0 && !timedOut;
    }
  }

  /**
   * Runs {@code spec} to completion or timeout.
   *
   * @throws IOException when the program cannot be started, or the stdout sink failed (the child is killed first)
   * @throws InterruptedException when this thread is interrupted (the child is killed and reaped first)
   */
  public static Result run(Spec spec) throws IOException, InterruptedException {
    Objects.requireNonNull(spec, "spec");
    long started = System.nanoTime();
    long deadline = started + spec.timeout().toNanos();
    ProcessBuilder builder = new ProcessBuilder(spec.command());
    Map<String, String> env = builder.environment();
    env.clear();
    Map<String, String> parent = System.getenv();
    for (String name : INHERITED_ENVIRONMENT) {
      if (parent.containsKey(name)) {
        env.put(name, parent.get(name));
      }
    }
    env.putAll(spec.environment());
    String program = spec.command().get(0);
    Process process = builder.start();
    LOG.debug("Started {} (pid {})", program, process.pid());

    StreamPumps.Tail stderr = new StreamPumps.Tail(STDERR_TAIL);
    Thread stderrThread = StreamPumps.start("stderr", process, () -> stderr.drain(process.getErrorStream()));
    Thread stdinThread = null;
    if (spec.stdin() == null) {
      process.getOutputStream().close();
    } else {
      stdinThread = StreamPumps.start("stdin", process, () -> StreamPumps.feed(spec.stdin(), process.getOutputStream(), program));
    }
    StreamPumps.Stdout stdout = new StreamPumps.Stdout(process,
        spec.stdout() == null ? OutputStream.nullOutputStream() : spec.stdout(), STDOUT_BUFFER);
    Thread stdoutThread = StreamPumps.start("stdout", process, stdout);

    boolean timedOut = false;
    try {
      if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        timedOut = true;
        LOG.warn("{} (pid {}) ran past its {} timeout; killing it and its descendants", program, process.pid(),
            spec.timeout());
        killTree(process);
      }
      long drainMs = Math.max(DRAIN_GRACE_MS, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      stdoutThread.join(drainMs);
      if (stdoutThread.isAlive()) {
        // the output may be incomplete, so the run cannot count as finished in time
        timedOut = true;
        stdout.abandon();
        LOG.warn("{} (pid {}) exited but its output stayed open (a descendant holds it); giving up on it", program,
            process.pid());
      }
    } finally {
      if (process.isAlive()) {
        killTree(process);
      }
      reap(process);
      // after an interrupt the caller may close the sink at once: no write may reach it after this point
      stdout.abandon();
    }
    stderrThread.join(1_000);
    if (stdinThread != null) {
      // the caller owns the input again once this returns (it may read the rest of it): the feeder must be done with it;
      // with the child gone its next write fails at once, so this wait is short
      stdinThread.join(STDIN_JOIN_MS);
      if (stdinThread.isAlive()) {
        stdinThread.interrupt();
        stdinThread.join(STDIN_JOIN_MS);
      }
    }
    IOException sinkFailure = stdout.sinkFailure();
    if (sinkFailure != null) {
      throw sinkFailure;
    }
    IOException readFailure = stdout.readFailure();
    if (readFailure != null && !timedOut) {
      throw new IOException("reading the output of " + program + " failed: " + readFailure.getMessage(), readFailure);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    return new Result(process.exitValue(), timedOut, stderr.text(), stdout.bytes(), elapsed);
  }

  /** Kills the child's descendants while they can still be found through it, then the child. */
  static void killTree(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** Waits for the child to be gone even when interrupted meanwhile, keeping the interrupt for the caller. */
  private static void reap(Process process) {
    boolean interrupted = false;
    while (true) {
      try {
        process.waitFor();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
