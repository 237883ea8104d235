package io.bulwark.backup.pg;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The helper threads of {@link ChildProcess}: they move bytes between the child's pipes and the caller's streams. */
final class StreamPumps {
  private static final Logger LOG = LoggerFactory.getLogger(StreamPumps.class);

  private StreamPumps() {}

  static Thread start(String what, Process process, Runnable body) {
    Thread thread = new Thread(body, "child-" + process.pid() + "-" + what);
    // a pipe held open by a stray descendant must never keep the JVM alive
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Copies the caller's input to the child and closes the child's input; a child that stops reading ends it. */
  static void feed(InputStream from, OutputStream to, String program) {
    try (to) {
      from.transferTo(to);
    } catch (IOException e) {
      // usually the child exited without reading everything; its exit code tells the caller what happened
      LOG.debug("Feeding input to {} stopped: {}", program, e.toString());
    }
  }

  /** Copies the child's output to the caller's sink, telling read failures from sink failures. */
  static final class Stdout implements Runnable {
    private final Process process;
    private final OutputStream sink;
    private final int bufferSize;
    private long bytes;
    private boolean abandoned;
    private IOException sinkFailure;
    private IOException readFailure;

    Stdout(Process process, OutputStream sink, int bufferSize) {
      this.process = process;
      this.sink = sink;
      this.bufferSize = bufferSize;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[bufferSize];
      try (InputStream in = process.getInputStream()) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          if (!write(buffer, n)) {
            return;
          }
        }
      } catch (IOException e) {
        synchronized (this) {
          readFailure = e;
        }
      }
    }

    /** Writes one buffer unless the run gave up on this pump; returns whether to go on. */
    private synchronized boolean write(byte[] buffer, int n) {
      if (abandoned) {
        return false;
      }
      try {
        sink.write(buffer, 0, n);
        bytes += n;
        return true;
      } catch (IOException | RuntimeException e) {
        sinkFailure = e instanceof IOException io ? io : new IOException("output sink failed: " + e, e);
        // nobody will take the rest of the output: stop the child now rather than at the timeout
        ChildProcess.killTree(process);
        return false;
      }
    }

    /** After this returns, the sink is never written again. */
    synchronized void abandon() {
      abandoned = true;
    }

    synchronized long bytes() {
      return bytes;
    }

    synchronized IOException sinkFailure() {
      return sinkFailure;
    }

    synchronized IOException readFailure() {
      return readFailure;
    }
  }

  /** Drains a stream keeping only its last bytes, so a chatty child cannot fill memory. */
  static final class Tail {
    private final byte[] ring;
    private long total;

    Tail(int capacity) {
      this.ring = new byte[capacity];
    }

    void drain(InputStream in) {
      byte[] buffer = new byte[8192];
      try (in) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          append(buffer, n);
        }
      } catch (IOException e) {
        LOG.debug("Reading a child's stderr stopped: {}", e.toString());
      }
    }

    synchronized void append(byte[] bytes, int n) {
      for (int i = 0; i < n; i++) {
        ring[(int) (total++ % ring.length)] = bytes[i];
      }
    }

    /** The kept bytes as UTF-8; when the start was cut, from the first line that is whole. */
    synchronized String text() {
      int kept = (int) Math.min(total, ring.length);
      byte[] ordered = new byte[kept];
      int start = (int) ((total - kept) % ring.length);
      for (int i = 0; i < kept; i++) {
        ordered[i] = ring[(start + i) % ring.length];
      }
      int from = 0;
      if (total > ring.length) {
        for (int i = 0; i < kept; i++) {
          if (ordered[i] == '\n') {
            from = i + 1;
            break;
          }
        }
      }
      return decode(ordered, from, kept - from);
    }

    private static String decode(byte[] bytes, int off, int len) {
      CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
      try {
        CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes, off, len));
        return chars.toString();
      } catch (CharacterCodingException e) {
        throw new IllegalStateException("a replacing decoder does not throw", e);
      }
    }
  }
}
