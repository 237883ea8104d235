package io.bulwark.backup.pg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {
  private static final Duration LONG = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @Test
  void reportsExitCodesAndElapsedTime() throws Exception {
    assertEquals(0, run(ChildProcess.Spec.of(sh("exit 0"), LONG)).exitCode());
    ChildProcess.Result failed = run(ChildProcess.Spec.of(sh("echo oops >&2; exit 3"), LONG));
    assertEquals(3, failed.exitCode());
    assertFalse(failed.timedOut());
    assertFalse(failed.succeeded());
    assertEquals("oops\n", failed.stderrTail());
    assertTrue(failed.elapsed().compareTo(Duration.ofSeconds(10)) < 0, failed.elapsed().toString());
  }

  @Test
  void aProgramThatDoesNotExistFailsToStart() {
    assertThrows(IOException.class, () -> run(ChildProcess.Spec.of(List.of(tmp.resolve("no-such-tool").toString()), LONG)));
  }

  @Test
  void stderrKeepsOnlyItsBoundedTailFromALineBoundary() throws Exception {
    String script = "i=0; while [ $i -lt 2000 ]; do echo \"line $i: some diagnostic text of fifty bytes\" >&2;"
        + " i=$((i+1)); done";
    ChildProcess.Result result = run(ChildProcess.Spec.of(sh(script), LONG));
    String tail = result.stderrTail();
    assertTrue(tail.getBytes(StandardCharsets.UTF_8).length <= ChildProcess.STDERR_TAIL, "tail " + tail.length());
    assertTrue(tail.length() > ChildProcess.STDERR_TAIL - 100, "the tail is nearly full: " + tail.length());
    assertTrue(tail.endsWith("line 1999: some diagnostic text of fifty bytes\n"), tail.substring(tail.length() - 80));
    assertTrue(tail.startsWith("line "), "cut at a line boundary: " + tail.substring(0, 40));
  }

  @Test
  void stdoutIsStreamedNotBuffered() throws Exception {
    AtomicLong count = new AtomicLong();
    OutputStream counting = new OutputStream() {
      @Override
      public void write(int b) {
        count.incrementAndGet();
      }

      @Override
      public void write(byte[] b, int off, int len) {
        assertTrue(len <= ChildProcess.STDOUT_BUFFER, "chunks of at most the buffer");
        count.addAndGet(len);
      }
    };
    ChildProcess.Result result = run(ChildProcess.Spec.of(List.of("head", "-c", "20000000", "/dev/zero"), LONG)
        .withStdout(counting));
    assertEquals(0, result.exitCode());
    assertEquals(20_000_000L, count.get());
    assertEquals(20_000_000L, result.stdoutBytes());
    assertEquals(20_000_000L, run(ChildProcess.Spec.of(List.of("head", "-c", "20000000", "/dev/zero"), LONG))
        .stdoutBytes(), "discarded output is still counted");
  }

  @Test
  void stdinIsPipedWhileStdoutIsRead() throws Exception {
    byte[] input = new byte[3_000_000];
    new Random(3).nextBytes(input);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ChildProcess.Result result = run(ChildProcess.Spec.of(List.of("cat"), LONG)
        .withStdin(new ByteArrayInputStream(input)).withStdout(out));
    assertEquals(0, result.exitCode());
    assertArrayEquals(input, out.toByteArray());

    ByteArrayOutputStream none = new ByteArrayOutputStream();
    assertEquals(0, run(ChildProcess.Spec.of(List.of("cat"), LONG).withStdout(none)).exitCode(),
        "no stdin: closed at once, so cat ends");
    assertEquals(0, none.size());
  }

  @Test
  void theEnvironmentIsMinimalPlusWhatTheSpecAdds() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    run(new ChildProcess.Spec(List.of("/usr/bin/env"), Map.of("PGPASSWORD", "s3cret", "PGUSER", "bulwark"), null, out,
        LONG));
    Map<String, String> env = out.toString(StandardCharsets.UTF_8).lines()
        .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
    assertEquals("s3cret", env.get("PGPASSWORD"));
    assertEquals("bulwark", env.get("PGUSER"));
    Set<String> allowed = new java.util.HashSet<>(ChildProcess.INHERITED_ENVIRONMENT);
    allowed.addAll(Set.of("PGPASSWORD", "PGUSER"));
    assertTrue(allowed.containsAll(env.keySet()), env.keySet().toString());

    ChildProcess.Spec spec = new ChildProcess.Spec(List.of("pg_dump"), Map.of("PGPASSWORD", "s3cret"), null, null, LONG);
    assertFalse(spec.toString().contains("s3cret"), spec.toString());
    assertTrue(spec.toString().contains("PGPASSWORD"), spec.toString());
  }

  @Test
  void aTimeoutKillsAndReapsTheChild() throws Exception {
    Path pid = tmp.resolve("pid");
    ChildProcess.Result result = run(ChildProcess.Spec.of(sh("echo $$ > " + pid + "; exec sleep 30"),
        Duration.ofMillis(700)));
    assertTrue(result.timedOut());
    assertFalse(result.succeeded());
    assertTrue(result.elapsed().compareTo(Duration.ofSeconds(5)) < 0, result.elapsed().toString());
    assertGone(pid);
  }

  @Test
  void aTimeoutKillsGrandchildrenToo() throws Exception {
    Path parent = tmp.resolve("parent");
    Path child = tmp.resolve("child");
    ChildProcess.Result result = run(ChildProcess.Spec.of(
        sh("echo $$ > " + parent + "; sleep 30 & echo $! > " + child + "; wait"), Duration.ofMillis(700)));
    assertTrue(result.timedOut());
    assertTrue(result.elapsed().compareTo(Duration.ofSeconds(5)) < 0, result.elapsed().toString());
    assertGone(parent);
    assertGone(child);
  }

  @Test
  void aFailingSinkKillsTheChildAndItsErrorIsRethrown() throws Exception {
    Path pid = tmp.resolve("pid");
    IOException full = new IOException("disk full");
    OutputStream failing = new OutputStream() {
      private long written;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        written += len;
        if (written > 1_000_000) {
          throw full;
        }
      }
    };
    long started = System.nanoTime();
    IOException thrown = assertThrows(IOException.class, () -> run(ChildProcess.Spec.of(
        sh("echo $$ > " + pid + "; exec yes"), LONG).withStdout(failing)));
    assertSame(full, thrown);
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10), "ended by the sink, not the timeout");
    assertGone(pid);
  }

  @Test
  void anInterruptKillsTheChildAndPropagates() throws Exception {
    Path pid = tmp.resolve("pid");
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Future<ChildProcess.Result> running = executor.submit(
          () -> ChildProcess.run(ChildProcess.Spec.of(sh("echo $$ > " + pid + "; exec sleep 30"), LONG)));
      waitFor(pid);
      running.cancel(true);
      executor.shutdown();
      assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
      assertGone(pid);
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void specsAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> ChildProcess.Spec.of(List.of(), LONG));
    assertThrows(IllegalArgumentException.class, () -> ChildProcess.Spec.of(List.of("true"), Duration.ZERO));
    assertThrows(NullPointerException.class, () -> ChildProcess.Spec.of(Arrays.asList("true", null), LONG));
  }

  private static ChildProcess.Result run(ChildProcess.Spec spec) throws IOException, InterruptedException {
    return ChildProcess.run(spec);
  }

  private static List<String> sh(String script) {
    return List.of("/bin/sh", "-c", script);
  }

  private static void waitFor(Path pidFile) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(Files.exists(pidFile) && Files.readString(pidFile).endsWith("\n")) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  /** The process is not running; an orphaned zombie that nobody reaps counts as gone, as ProcessHandle sees it. */
  private static void assertGone(Path pidFile) throws Exception {
    waitFor(pidFile);
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process " + pid + " still runs");
  }
}
