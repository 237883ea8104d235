package io.bulwark.ledger;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Worker threads parsing chunks, and the chunks in flight in file order (the submitting thread consumes them). */
final class ChunkPipeline implements AutoCloseable {
  private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
  /** At most this many chunks exist at a time: submitting waits for the oldest beyond it. */
  static final int IN_FLIGHT = 2 * THREADS + 2;

  /** Takes parsed chunks in order; false means the fast path cannot answer. */
  @FunctionalInterface
  interface Consumer {
    boolean accept(EntryChunk c);

    default boolean wantsMore() {
      return true;
    }
  }

  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
    Thread t = new Thread(r, "bulwark-verify");
    t.setDaemon(true);
    return t;
  });
  private final ArrayDeque<Future<EntryChunk>> inFlight = new ArrayDeque<>();
  private final boolean bundle;
  private final Consumer consumer;
  private boolean aborted;

  ChunkPipeline(boolean bundle, Consumer consumer) {
    this.bundle = bundle;
    this.consumer = consumer;
  }

  void submit(byte[] buf, int len) throws IOException {
    while (!inFlight.isEmpty() && (inFlight.size() >= IN_FLIGHT || inFlight.peek().isDone())) {
      take();
    }
    if (!aborted && consumer.wantsMore()) {
      inFlight.add(pool.submit(() -> EntryChunk.parse(buf, len, bundle)));
    }
  }

  boolean aborted() {
    return aborted;
  }

  /** Consumes what is left; false when the fast path cannot answer. */
  boolean finish() throws IOException {
    while (!inFlight.isEmpty()) {
      take();
    }
    return !aborted;
  }

  private void take() throws IOException {
    EntryChunk c;
    try {
      c = inFlight.poll().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    }
    if (!aborted && consumer.wantsMore() && !consumer.accept(c)) {
      aborted = true;
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
