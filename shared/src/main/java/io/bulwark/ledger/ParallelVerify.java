package io.bulwark.ledger;

import static io.bulwark.ledger.VerificationResult.ENTRY_MALFORMED;
import static io.bulwark.ledger.VerificationResult.MALFORMED_BUNDLE;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;

/**
 * {@link BundleVerifier}'s fast path: ledger bundles (header before entries) and segments are cut into chunks of whole
 * entries that worker threads parse, base64-decode and leaf-hash ({@link EntryChunk}), while this thread reads
 * (and inflates) the file and feeds the results to one {@link LedgerVerifier} in order, so the tree, checkpoints and
 * failure explanations stay sequential. At most {@link #IN_FLIGHT} chunks exist at a time.
 *
 * <p>Every method returns null when it cannot vouch for giving exactly the sequential answer (odd layout, an entry the
 * workers did not fully read, any exception); the caller then verifies sequentially from the start. Bundles are cut
 * speculatively after {@code "},{\""}: a cut inside a string or a nested array leaves some chunk that does not parse as
 * {@code {"entries":[...]}}, so the fast path only answers when the cuts were element boundaries of the one array.
 */
final class ParallelVerify {
  private static final int CHUNK = 1 << 20;
  /** A single entry (or a bundle's tail after its entries) larger than this is left to the sequential path. */
  private static final int MAX_BUFFER = 64 << 20;
  private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
  private static final int IN_FLIGHT = 2 * THREADS + 2;

  private ParallelVerify() {}

  /** Verifies a ledger-scope bundle whose header precedes its entries; null to verify sequentially instead. */
  static VerificationResult bundle(Path path, Collection<VerifierKey> trusted) throws IOException {
    if (!startsAsUtf8(path)) {
      return null;
    }
    BundleVerifier.Header h = new BundleVerifier.Header();
    long open;
    try (JsonParser p = BundleVerifier.JSON.createParser(new BufferedInputStream(Files.newInputStream(path), 1 << 16))) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      do {
        if (p.nextToken() != JsonToken.FIELD_NAME) {
          return null;
        }
        String field = p.currentName();
        p.nextToken();
        if (!BundleVerifier.headerField(p, h, field)) {
          break;
        }
      } while (true);
      if (!h.readyForEntries() || !BundleVerifier.BUNDLE_FORMAT.equals(h.format) || !"ledger".equals(h.scope)
          || p.currentToken() != JsonToken.START_ARRAY) {
        return null;
      }
      open = p.currentTokenLocation().getByteOffset();
    } catch (IOException | RuntimeException e) {
      return null;
    }
    LedgerVerifier v = BundleVerifier.start(h, trusted);
    long close;
    try (FileChannel ch = FileChannel.open(path); Pipeline pipe = new Pipeline(true, bundleConsumer(v))) {
      ch.position(open + 1);
      close = cutBundle(ch, pipe, open + 1);
      if (close < 0 || !pipe.finish()) {
        return null;
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    // the file without its entries: the header again and whatever follows the entries, checked as the sequential
    // parser checks them (duplicate fields included)
    BundleVerifier.Header all = new BundleVerifier.Header();
    try (InputStream in = new SequenceInputStream(range(path, 0, open + 1), range(path, close, Long.MAX_VALUE));
        JsonParser p = BundleVerifier.JSON.createParser(new BufferedInputStream(in, 1 << 16))) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      boolean seen = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (!BundleVerifier.headerField(p, all, field)) {
          if (seen || p.currentToken() != JsonToken.START_ARRAY || p.nextToken() != JsonToken.END_ARRAY) {
            return null;
          }
          seen = true;
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return BundleVerifier.conclude(path, all, v, trusted, false);
  }

  /** Feeds chunks to {@code v} as the sequential entries loop would; false when a chunk was not fully read. */
  private static Consumer bundleConsumer(LedgerVerifier v) {
    return c -> {
      if (c.troubleAt >= 0) {
        // even after a failure the sequential loop reads (and so checks the form of) every entry
        return false;
      }
      for (int i = 0; i < c.count && !v.failed(); i++) {
        Long index = c.hasIndex[i] ? c.index[i] : null;
        if (index == null || c.leaf[i] == null) {
          v.reject(MALFORMED_BUNDLE, index, "an entry needs index and leaf");
          continue;
        }
        v.accept(index, c.leaf[i], c.leafHashes, i * 32, c.hash[i]);
        if (c.copy[i] == EntryChunk.OTHER_COPY && !v.failed()) {
          v.reject(ENTRY_MALFORMED, index, "the readable copy of entry " + index + " differs from its bytes");
        }
      }
      return true;
    };
  }

  /**
   * Reads the entries array from {@code start} (just after its '['), submitting chunks cut after {@code "},{\""};
   * returns the offset of the array's closing ']', or -1 when it was not found within bounds.
   */
  private static long cutBundle(FileChannel ch, Pipeline pipe, long start) throws IOException {
    byte[] pre = EntryChunk.BUNDLE_PREFIX;
    byte[] buf = withPrefix(pre, CHUNK);
    int n = pre.length;
    long offset = start;
    int chunks = 0;
    while (!pipe.aborted()) {
      int r = 0;
      while (n < buf.length - 2 && (r = ch.read(ByteBuffer.wrap(buf, n, buf.length - 2 - n))) > 0) {
        n += r;
      }
      if (r >= 0) {
        int cut = lastCut(buf, pre.length, n);
        if (cut < 0) {
          if (buf.length > MAX_BUFFER) {
            return -1;
          }
          buf = Arrays.copyOf(buf, buf.length * 2);
          continue;
        }
        byte[] next = withPrefix(pre, CHUNK);
        int rest = n - cut - 1;
        System.arraycopy(buf, cut + 1, next, pre.length, rest);
        buf[cut] = ']';
        buf[cut + 1] = '}';
        pipe.submit(buf, cut + 2);
        chunks++;
        offset += cut + 1 - pre.length;
        buf = next;
        n = pre.length + rest;
      } else {
        int close = closingBracket(buf, pre.length, n);
        if (close < 0) {
          return -1;
        }
        if (!blank(buf, pre.length, close)) {
          buf[close] = ']';
          buf[close + 1] = '}';
          pipe.submit(buf, close + 2);
        } else if (chunks > 0) {
          return -1;
        }
        return offset + close - pre.length;
      }
    }
    return -1;
  }

  /** The ',' of the last {@code "},{\""} in {@code buf[from..to)}, or -1. */
  private static int lastCut(byte[] buf, int from, int to) {
    for (int i = to - 4; i >= from; i--) {
      if (buf[i + 2] == '{' && buf[i + 1] == ',' && buf[i] == '}' && buf[i + 3] == '"') {
        return i + 1;
      }
    }
    return -1;
  }

  /** The ']' closing the array whose elements start at {@code from}, by brackets outside strings; -1 if absent. */
  private static int closingBracket(byte[] buf, int from, int to) {
    int depth = 0;
    boolean string = false;
    for (int i = from; i < to; i++) {
      byte b = buf[i];
      if (string) {
        if (b == '\\') {
          i++;
        } else if (b == '"') {
          string = false;
        }
      } else if (b == '"') {
        string = true;
      } else if (b == '[' || b == '{') {
        depth++;
      } else if (b == ']' || b == '}') {
        if (depth == 0) {
          return b == ']' ? i : -1;
        }
        depth--;
      }
    }
    return -1;
  }

  /** Verifies a segment's data file (checksum and entries in one read); null to verify sequentially instead. */
  static VerificationResult segment(Path data, BundleVerifier.Header h, Collection<VerifierKey> trusted) {
    LedgerVerifier v = new LedgerVerifier(h.origin, trusted);
    MessageDigest sha = BundleVerifier.sha256();
    long[] size = new long[1];
    SegmentConsumer consumer = new SegmentConsumer(v);
    try (InputStream raw = new DigestInputStream(Files.newInputStream(data), sha);
        Pipeline pipe = new Pipeline(false, consumer)) {
      v.begin(h.from, h.leftEdge, List.of(BundleVerifier.segmentCheckpoint(h)));
      InputStream counted = new FilterInputStream(raw) {
        @Override
        public int read() throws IOException {
          int b = super.read();
          size[0] += b < 0 ? 0 : 1;
          return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int r = super.read(b, off, len);
          size[0] += Math.max(r, 0);
          return r;
        }

        @Override
        public long skip(long n) {
          throw new UnsupportedOperationException("the checksum needs every byte read");
        }
      };
      // inflated to the end even after a failure: a corrupt stream must fail as the sequential path may
      if (!cutLines(new GZIPInputStream(counted, 1 << 16), pipe) || !pipe.finish()) {
        return null;
      }
      counted.transferTo(OutputStream.nullOutputStream());
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (BundleVerifier.checksum(h, sha.digest(), size[0]) != null) {
      // the sequential path reports it, having read nothing else
      return null;
    }
    return v.finish(h.to);
  }

  /** Submits the inflated lines in chunks cut after a newline; false when a line is too long or the start odd. */
  private static boolean cutLines(InputStream in, Pipeline pipe) throws IOException {
    byte[] pre = EntryChunk.SEGMENT_PREFIX;
    byte[] buf = withPrefix(pre, CHUNK);
    int n = pre.length;
    boolean first = true;
    while (!pipe.aborted()) {
      int r = 0;
      while (n < buf.length && (r = in.read(buf, n, buf.length - n)) > 0) {
        n += r;
      }
      if (first && !plainStart(buf, pre.length, n)) {
        return false;
      }
      first = false;
      if (r < 0) {
        if (n > pre.length) {
          pipe.submit(buf, n);
        }
        return true;
      }
      int cut = n - 1;
      while (cut >= pre.length && buf[cut] != '\n') {
        cut--;
      }
      if (cut < pre.length) {
        if (buf.length > MAX_BUFFER) {
          return false;
        }
        buf = Arrays.copyOf(buf, buf.length * 2);
        continue;
      }
      byte[] next = withPrefix(pre, CHUNK);
      int rest = n - cut - 1;
      System.arraycopy(buf, cut + 1, next, pre.length, rest);
      pipe.submit(buf, cut + 1);
      buf = next;
      n = pre.length + rest;
    }
    return false;
  }

  /** Follows the sequential segment loop, which stops reading at the first failure or line without index and leaf. */
  private static final class SegmentConsumer implements Consumer {
    private final LedgerVerifier v;
    private boolean stopped;

    SegmentConsumer(LedgerVerifier v) {
      this.v = v;
    }

    @Override
    public boolean accept(EntryChunk c) {
      int n = c.troubleAt >= 0 ? c.troubleAt : c.count;
      for (int i = 0; i < n && !stopped; i++) {
        if (v.failed()) {
          // the sequential loop read this line's first token only
          stopped = true;
          break;
        }
        Long index = c.hasIndex[i] ? c.index[i] : null;
        if (index == null || c.leaf[i] == null) {
          v.reject(MALFORMED_BUNDLE, index, "a segment line needs index and leaf");
          stopped = true;
          break;
        }
        v.accept(index, c.leaf[i], c.leafHashes, i * 32, c.hash[i]);
      }
      // a line the workers could not read matters unless the sequential loop stopped before it
      return c.troubleAt < 0 || stopped;
    }

    @Override
    public boolean wantsMore() {
      return !stopped;
    }
  }

  /** Takes parsed chunks in order; false means the fast path cannot answer. */
  @FunctionalInterface
  private interface Consumer {
    boolean accept(EntryChunk c);

    default boolean wantsMore() {
      return true;
    }
  }

  /** Worker threads parsing chunks, and the chunks in flight in file order (this thread consumes them). */
  private static final class Pipeline implements AutoCloseable {
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "bulwark-verify");
      t.setDaemon(true);
      return t;
    });
    private final ArrayDeque<Future<EntryChunk>> inFlight = new ArrayDeque<>();
    private final boolean bundle;
    private final Consumer consumer;
    private boolean aborted;

    Pipeline(boolean bundle, Consumer consumer) {
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

  private static byte[] withPrefix(byte[] prefix, int size) {
    byte[] b = new byte[prefix.length + size + 2];
    System.arraycopy(prefix, 0, b, 0, prefix.length);
    return b;
  }

  private static boolean blank(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != ' ' && b[i] != '\n' && b[i] != '\r' && b[i] != '\t') {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the bytes start as the parser reads UTF-8 without a byte order mark: anything else (UTF-16, UTF-32, a
   * BOM) it decodes differently from the chunks, so the sequential path handles it.
   */
  private static boolean plainStart(byte[] b, int from, int to) {
    for (int i = from; i < Math.min(to, from + 4); i++) {
      if (b[i] == 0 || (i == from && (b[i] & 0xff) >= 0x80)) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsAsUtf8(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      byte[] head = in.readNBytes(4);
      return plainStart(head, 0, head.length);
    }
  }

  /** The file's bytes from {@code from}, at most {@code len} of them. */
  private static InputStream range(Path path, long from, long len) throws IOException {
    FileChannel ch = FileChannel.open(path);
    ch.position(from);
    InputStream in = Channels.newInputStream(ch);
    return new FilterInputStream(in) {
      private long left = len;

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          return -1;
        }
        int b = super.read();
        left -= b < 0 ? 0 : 1;
        return b;
      }

      @Override
      public int read(byte[] b, int off, int n) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int r = super.read(b, off, (int) Math.min(n, left));
        left -= Math.max(r, 0);
        return r;
      }
    };
  }
}
