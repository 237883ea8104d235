package io.bulwark.shared.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real files on disk, a real Vert.x: what an owner of a polled file sees through its callbacks and current(). */
class PolledFileTest {
  static final long MAX = 64;
  /** One per test: a test that leaves a parse blocked cannot hold up the next one's worker threads. */
  final Vertx vertx = Vertx.vertx();
  @TempDir
  Path dir;
  final List<String> applied = new CopyOnWriteArrayList<>();
  final List<List<String>> rejected = new CopyOnWriteArrayList<>();
  final AtomicInteger parses = new AtomicInteger();
  /** Released by a test that needs a parse to stay in progress; open unless a test closes it. */
  volatile CountDownLatch slowParse = new CountDownLatch(0);

  @AfterEach
  void closeVertx() throws Exception {
    slowParse.countDown();
    await(vertx.close());
  }

  /** A value is a line starting "ok "; anything else is a file with one problem naming the source. */
  String parse(String text, String source) {
    parses.incrementAndGet();
    if (text.startsWith("slow")) {
      try {
        slowParse.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return text.strip();
    }
    if (!text.startsWith("ok ")) {
      throw new FileProblems("bad " + source, List.of(source + ":1: must start with 'ok '"));
    }
    return text.strip();
  }

  PolledFile<String> polling(Path file) throws Exception {
    PolledFile<String> pf = await(PolledFile.load(vertx, file, MAX, this::parse, p -> new FileProblems("unreadable", p)));
    pf.startPolling(20, (previous, next) -> applied.add(previous + " -> " + next), rejected::add);
    return pf;
  }

  @Test
  void appliesAValidChangeAndRejectsABadOneOnceKeepingTheOldValue() throws Exception {
    Path file = dir.resolve("f.txt");
    write(file, "ok 1");
    PolledFile<String> pf = polling(file);
    List<String> heard = new CopyOnWriteArrayList<>();
    pf.onChange(heard::add);
    assertEquals("ok 1", pf.current());

    write(file, "ok 2");
    eventually(() -> "ok 2".equals(pf.current()), "the valid change");
    assertEquals(List.of("ok 1 -> ok 2"), applied);
    assertEquals(List.of("ok 2"), heard, "listeners hear the new value");

    write(file, "nonsense");
    eventually(() -> rejected.size() == 1, "the rejection");
    Thread.sleep(150); // several polls of the same bad content
    assertEquals(List.of(List.of(file + ":1: must start with 'ok '")), rejected, "reported once");
    assertEquals("ok 2", pf.current(), "the old value stays");
    int parsesOfBadContent = parses.get();
    Thread.sleep(100);
    assertEquals(parsesOfBadContent, parses.get(), "unchanged content is not parsed again");
    await(pf.close());
  }

  @Test
  void aMissingFileIsReportedOnceAndItsReturnIsApplied() throws Exception {
    Path file = dir.resolve("f.txt");
    write(file, "ok 1");
    PolledFile<String> pf = polling(file);
    Files.delete(file);
    eventually(() -> rejected.size() == 1, "the missing file");
    Thread.sleep(150);
    assertEquals(1, rejected.size(), "reported once, not every poll");
    assertTrue(rejected.get(0).get(0).startsWith(file + ": cannot be read: "), rejected::toString);
    assertEquals("ok 1", pf.current());

    write(file, "ok 3");
    eventually(() -> "ok 3".equals(pf.current()), "the file back");
    Files.delete(file);
    eventually(() -> rejected.size() == 2, "missing again after it came back: a new report");
    await(pf.close());
  }

  @Test
  void anOversizedFileIsRefusedWithoutBeingParsed() throws Exception {
    Path file = dir.resolve("f.txt");
    write(file, "ok " + "x".repeat((int) MAX));
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(PolledFile.load(vertx, file, MAX, this::parse, p -> new FileProblems("unreadable", p))));
    FileProblems p = assertInstanceOf(FileProblems.class, e.getCause());
    assertEquals("unreadable", p.getMessage(), "the owner's own exception for an unreadable file");
    assertTrue(p.problems().get(0).endsWith("larger than " + MAX + " bytes"), p.problems()::toString);
    assertEquals(0, parses.get());

    write(file, "ok 1");
    PolledFile<String> pf = polling(file);
    write(file, "ok " + "y".repeat((int) MAX));
    eventually(() -> rejected.size() == 1, "the oversized change");
    assertTrue(rejected.get(0).get(0).endsWith("larger than " + MAX + " bytes"), rejected::toString);
    assertEquals(1, parses.get(), "only the load was parsed");
    assertEquals("ok 1", pf.current());
    await(pf.close());
  }

  @Test
  void anInvalidFileFailsTheLoadWithTheParsersProblems() throws Exception {
    Path file = dir.resolve("f.txt");
    write(file, "nonsense");
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(PolledFile.load(vertx, file, MAX, this::parse, p -> new FileProblems("unreadable", p))));
    FileProblems p = assertInstanceOf(FileProblems.class, e.getCause());
    assertEquals(List.of(file + ":1: must start with 'ok '"), p.problems());
  }

  @Test
  void closeWaitsForAPollInProgressAndStopsPolling() throws Exception {
    Path file = dir.resolve("f.txt");
    write(file, "ok 1");
    PolledFile<String> pf = polling(file);
    slowParse = new CountDownLatch(1);
    int before = parses.get();
    write(file, "slow 2");
    eventually(() -> parses.get() > before, "a parse in progress");
    Future<Void> closed = pf.close();
    Thread.sleep(100);
    assertFalse(closed.isComplete(), "close waits for the poll in progress");
    slowParse.countDown();
    await(closed);
    assertEquals("slow 2", pf.current(), "the poll in progress finished before close completed");

    write(file, "ok 3");
    Thread.sleep(150);
    assertEquals("slow 2", pf.current(), "no polls after close");
  }

  @Test
  void aFixedValueIsNeverPolled() throws Exception {
    PolledFile<String> pf = PolledFile.fixed("ok fixed");
    assertEquals("ok fixed", pf.current());
    assertThrows(IllegalStateException.class, () -> pf.startPolling(20, (a, b) -> { }, p -> { }));
    await(pf.close());
  }

  /** Replaces the file by rename, as editors and ConfigMap updates do. */
  void write(Path file, String text) throws Exception {
    Path tmp = dir.resolve("tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
