package io.bulwark.shared.config;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A configuration file read at start and then polled, holding the last valid value parsed from it. The path is polled
 * rather than watched through an open handle: editors and Kubernetes ConfigMaps replace a file by rename or symlink
 * swap, which a held handle never sees. A valid change swaps the value as a whole; an invalid or missing file keeps the
 * last good value and is reported once, not on every poll. Owners keep their own metrics and log lines in the
 * callbacks given to {@link #startPolling}.
 */
public final class PolledFile<T> {
  /** What a poll of content already looked at yields: nothing to apply and nothing to report. */
  private static final Object UNCHANGED = new Object();

  /** Turns the file's text into a value, or throws a {@link FileProblems} listing everything wrong with it. */
  @FunctionalInterface
  public interface Parser<T> {
    T parse(String text, String source);
  }

  private final Vertx vertx;
  private final Path file;
  private final long maxBytes;
  private final Parser<T> parser;
  private final List<Consumer<T>> listeners = new CopyOnWriteArrayList<>();
  private volatile T current;
  /** The content last looked at, valid or not, so a bad file is reported once rather than on every poll. */
  private volatile byte[] lastSeen;
  private volatile boolean missingReported;
  private volatile BiConsumer<T, T> applied;
  private volatile Consumer<List<String>> rejected;
  private volatile long pollMs;
  private volatile long timerId = -1;
  private volatile boolean closed;
  private volatile Future<Void> polling = Future.succeededFuture();

  private PolledFile(Vertx vertx, Path file, long maxBytes, Parser<T> parser, T initial, byte[] initialHash) {
    this.vertx = vertx;
    this.file = file;
    this.maxBytes = maxBytes;
    this.parser = parser;
    this.current = initial;
    this.lastSeen = initialHash;
  }

  /**
   * Reads and parses {@code file}, off the event loop, so the owner can refuse to start on a bad file. Fails with the
   * parser's {@link FileProblems} when the file is invalid, or with {@code unreadable}'s when it cannot be read, so the
   * owner's callers see one exception type either way. Polling begins with {@link #startPolling}, once the owner is
   * ready to hear about changes.
   */
  public static <T> Future<PolledFile<T>> load(Vertx vertx, Path file, long maxBytes, Parser<T> parser,
      Function<List<String>, ? extends FileProblems> unreadable) {
    return read(vertx, file, maxBytes)
        .recover(e -> Future.failedFuture(unreadable.apply(List.of(unreadable(file, e)))))
        .compose(bytes -> vertx.executeBlocking(() -> new PolledFile<>(vertx, file, maxBytes, parser,
            parser.parse(text(bytes), file.toString()), sha256(bytes)), false));
  }

  /** A value that never changes and is never polled: for a service run without a file, and for tests. */
  public static <T> PolledFile<T> fixed(T value) {
    PolledFile<T> pf = new PolledFile<>(null, null, 0, null, value, null);
    pf.closed = true;
    return pf;
  }

  /**
   * Starts polling every {@code pollMs}. The owner keeps its own metrics and log lines in the callbacks, which run on a
   * Vert.x thread one at a time: {@code applied} gets (previous, next) once {@code next} is in force; {@code rejected}
   * gets the problems of a changed file that cannot be used, or of a file that became unreadable, while the previous
   * value stays in force.
   */
  public void startPolling(long pollMs, BiConsumer<T, T> applied, Consumer<List<String>> rejected) {
    if (pollMs < 1) {
      throw new IllegalArgumentException("pollMs must be at least 1, got " + pollMs);
    }
    if (vertx == null || this.applied != null) {
      throw new IllegalStateException("a fixed value, or already polling: " + file);
    }
    this.pollMs = pollMs;
    this.applied = applied;
    this.rejected = rejected;
    schedule();
  }

  /** The value in force; a new one replaces it as a whole, so a reader never sees half a reload. */
  public T current() {
    return current;
  }

  /** Called (on a Vert.x thread) with each valid new value, just before it comes into force. */
  public void onChange(Consumer<T> listener) {
    listeners.add(listener);
  }

  /** The file polled, or null for a fixed value. */
  public Path file() {
    return file;
  }

  /** Stops polling; completes once a poll in progress has finished, so nothing is applied after close. */
  public Future<Void> close() {
    if (vertx == null || closed) {
      closed = true;
      return Future.succeededFuture();
    }
    closed = true;
    vertx.cancelTimer(timerId);
    return polling.transform(ar -> Future.succeededFuture());
  }

  private void schedule() {
    if (!closed) {
      timerId = vertx.setTimer(pollMs, t -> polling = poll().onComplete(ar -> schedule()));
    }
  }

  private Future<Void> poll() {
    if (closed) {
      return Future.succeededFuture();
    }
    return read(vertx, file, maxBytes).compose(this::consider, this::missing);
  }

  /**
   * Props first, so a directory or an oversized file is refused before it is read. The caller compares content hashes,
   * which also catch an edit of the same size within one modification-time tick.
   */
  private static Future<byte[]> read(Vertx vertx, Path file, long maxBytes) {
    String path = file.toString();
    return vertx.fileSystem().props(path).compose(props -> {
      if (!props.isRegularFile()) {
        return Future.failedFuture("not a regular file");
      }
      if (props.size() > maxBytes) {
        return Future.failedFuture("larger than " + maxBytes + " bytes");
      }
      return vertx.fileSystem().readFile(path).map(Buffer::getBytes);
    });
  }

  private Future<Void> missing(Throwable cause) {
    if (!missingReported) {
      missingReported = true;
      // Forget the content, so the file coming back, even unchanged, is parsed and applied again.
      lastSeen = null;
      rejected.accept(List.of(unreadable(file, cause)));
    }
    return Future.succeededFuture();
  }

  private Future<Void> consider(byte[] bytes) {
    missingReported = false;
    return vertx.executeBlocking(() -> {
      byte[] hash = sha256(bytes);
      if (Arrays.equals(hash, lastSeen)) {
        return UNCHANGED;
      }
      lastSeen = hash;
      try {
        return (Object) parser.parse(text(bytes), file.toString());
      } catch (FileProblems e) {
        return e;
      }
    }, false).map(parsed -> {
      if (parsed instanceof FileProblems e) {
        rejected.accept(e.problems());
      } else if (parsed != UNCHANGED) {
        apply(cast(parsed));
      }
      return null;
    });
  }

  private void apply(T next) {
    // Listeners first: whatever they build for the new value (circuits, rule state) exists before anyone reads it.
    for (Consumer<T> l : listeners) {
      l.accept(next);
    }
    T previous = current;
    current = next;
    applied.accept(previous, next);
  }

  /** Only values the parser returned reach here; the executeBlocking result is an Object to carry either outcome. */
  @SuppressWarnings("unchecked")
  private static <T> T cast(Object parsed) {
    return (T) parsed;
  }

  private static String unreadable(Path file, Throwable cause) {
    return file + ": cannot be read: " + cause.getMessage();
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
