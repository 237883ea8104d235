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
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * {@link BundleVerifier}'s fast path: ledger bundles (header before entries) and segments are cut into chunks of whole
 * entries ({@link ChunkCutter}) that worker threads parse, base64-decode and leaf-hash ({@link EntryChunk}), while this
 * thread reads (and inflates) the file and feeds the results to one {@link LedgerVerifier} in order
 * ({@link ChunkPipeline}), so the tree, checkpoints and failure explanations stay sequential. At most
 * {@link ChunkPipeline#IN_FLIGHT} chunks exist at a time.
 *
 * <p>Every method returns null when it cannot vouch for giving exactly the sequential answer (odd layout, an entry the
 * workers did not fully read, any exception); the caller then verifies sequentially from the start. Bundles are cut
 * speculatively after {@code "},{\""}: a cut inside a string or a nested array leaves some chunk that does not parse as
 * {@code {"entries":[...]}}, so the fast path only answers when the cuts were element boundaries of the one array.
 */
final class ParallelVerify {
  private ParallelVerify() {}

  /** Verifies a ledger-scope bundle whose header precedes its entries; null to verify sequentially instead. */
  static VerificationResult bundle(Path path, Collection<VerifierKey> trusted) throws IOException {
    if (!ChunkCutter.startsAsUtf8(path)) {
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
    try (FileChannel ch = FileChannel.open(path);
        ChunkPipeline pipe = new ChunkPipeline(true, bundleConsumer(v))) {
      ch.position(open + 1);
      close = ChunkCutter.cutBundle(ch, pipe, open + 1);
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
  private static ChunkPipeline.Consumer bundleConsumer(LedgerVerifier v) {
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

  /** Verifies a segment's data file (checksum and entries in one read); null to verify sequentially instead. */
  static VerificationResult segment(Path data, BundleVerifier.Header h, Collection<VerifierKey> trusted) {
    LedgerVerifier v = new LedgerVerifier(h.origin, trusted);
    MessageDigest sha = BundleVerifier.sha256();
    long[] size = new long[1];
    SegmentConsumer consumer = new SegmentConsumer(v);
    try (InputStream raw = new DigestInputStream(Files.newInputStream(data), sha);
        ChunkPipeline pipe = new ChunkPipeline(false, consumer)) {
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

        /** Skipped bytes are still read (and so counted and hashed): the checksum covers the whole file. */
        @Override
        public long skip(long n) throws IOException {
          byte[] sink = new byte[(int) Math.min(n, 8192)];
          long done = 0;
          while (done < n) {
            int r = read(sink, 0, (int) Math.min(sink.length, n - done));
            if (r < 0) {
              break;
            }
            done += r;
          }
          return done;
        }
      };
      // inflated to the end even after a failure: a corrupt stream must fail as the sequential path may
      if (!ChunkCutter.cutLines(new GZIPInputStream(counted, 1 << 16), pipe) || !pipe.finish()) {
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

  /** Follows the sequential segment loop, which stops reading at the first failure or line without index and leaf. */
  private static final class SegmentConsumer implements ChunkPipeline.Consumer {
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
