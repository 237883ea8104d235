package io.bulwark.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a bundle's entries array or a segment's inflated lines and cuts them into chunks of whole entries for a
 * {@link ChunkPipeline}, each chunk in a buffer of its own that starts with the {@link EntryChunk} prefix. Bundles are
 * cut speculatively, as {@link ParallelVerify} explains.
 */
final class ChunkCutter {
  private static final int CHUNK = 1 << 20;
  /** A single entry (or a bundle's tail after its entries) larger than this is left to the sequential path. */
  private static final int MAX_BUFFER = 64 << 20;

  private ChunkCutter() {}

  /**
   * Reads the entries array from {@code start} (just after its '['), submitting chunks cut after {@code "},{\""};
   * returns the offset of the array's closing ']', or -1 when it was not found within bounds.
   */
  static long cutBundle(FileChannel ch, ChunkPipeline pipe, long start) throws IOException {
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

  /** Submits the inflated lines in chunks cut after a newline; false when a line is too long or the start odd. */
  static boolean cutLines(InputStream in, ChunkPipeline pipe) throws IOException {
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

  /** Whether the file starts as {@link #plainStart} requires. */
  static boolean startsAsUtf8(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      byte[] head = in.readNBytes(4);
      return plainStart(head, 0, head.length);
    }
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
}
