package io.bulwark.ledger;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.util.Arrays;

/**
 * A run of consecutive export entries parsed, decoded and leaf-hashed on a worker thread, for {@link ParallelVerify}
 * to feed to a {@link LedgerVerifier} in order.
 *
 * <p>The parse reads every field exactly as {@link BundleVerifier}'s sequential loop does, so whatever it accepts
 * that loop accepts too, with the same values. Anything it would throw on (or that this class does not mirror) stops
 * the chunk at that entry as {@link #troubleAt}: the caller then falls back to the sequential loop, which gives the
 * exact answer. Bundle chunks are wrapped as {@code {"entries":[...]}} so entries sit as deep as in the file
 * (the parser's nesting limit) and the structure around them can be checked; segment chunks are lines prefixed with
 * spaces so the parser detects UTF-8 as it does at the start of the file.
 *
 * <p>A chunk written exactly as exports write it is read without tokenizing its entries ({@link PlainEntries});
 * anything else is read token by token ({@link EntryParser}).
 */
final class EntryChunk {
  static final byte[] BUNDLE_PREFIX = "{\"entries\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  static final byte[] BUNDLE_SUFFIX = {']', '}'};
  static final byte[] SEGMENT_PREFIX = {' ', ' ', ' ', ' '};

  /** The readable copy is absent, is the same JSON value as the leaf, or differs from it. */
  static final byte NO_COPY = 0;
  static final byte SAME_COPY = 1;
  static final byte OTHER_COPY = 2;

  /** Set by a lenient parse that met names it cannot check cheaply. */
  private boolean needsStrict;
  int count;
  /** The entry where parsing stopped short (index in this chunk), or -1 when every entry was read. */
  int troubleAt = -1;
  long[] index;
  boolean[] hasIndex;
  byte[][] leaf;
  byte[][] hash;
  byte[] copy;
  /** The leaf hashes, 32 bytes per entry with a leaf. */
  byte[] leafHashes;

  private EntryChunk(int capacity) {
    index = new long[capacity];
    hasIndex = new boolean[capacity];
    leaf = new byte[capacity][];
    hash = new byte[capacity][];
    copy = new byte[capacity];
    leafHashes = new byte[capacity * 32];
  }

  /** Parses {@code buf[0..len)}, a wrapped bundle chunk ({@code bundle}) or segment chunk. */
  static EntryChunk parse(byte[] buf, int len, boolean bundle) {
    EntryChunk c = parse(buf, len, bundle, false);
    return c.needsStrict ? parse(buf, len, bundle, true) : c;
  }

  private static EntryChunk parse(byte[] buf, int len, boolean bundle, boolean strict) {
    EntryChunk c = new EntryChunk(Math.max(16, len / 400));
    EntryParser parser = new EntryParser(c, buf, len, strict);
    if (!strict && PlainEntries.read(c, buf, len, bundle) && (!bundle || (c.count > 0 && parser.plainCopies()))) {
      return c;
    }
    c.count = 0;
    try (JsonParser p = parser.open()) {
      parser.read(p, bundle);
    } catch (EntryParser.Lenient e) {
      c.needsStrict = true;
    } catch (IOException | RuntimeException e) {
      // anything the sequential loop might report differently: it reads this entry itself
      c.troubleAt = c.count;
    }
    if (c.troubleAt < 0 && bundle && c.count == 0) {
      c.troubleAt = 0;
    }
    return c;
  }

  /** Doubles the room for entries. */
  void grow() {
    int n = index.length * 2;
    index = Arrays.copyOf(index, n);
    hasIndex = Arrays.copyOf(hasIndex, n);
    leaf = Arrays.copyOf(leaf, n);
    hash = Arrays.copyOf(hash, n);
    copy = Arrays.copyOf(copy, n);
    leafHashes = Arrays.copyOf(leafHashes, n * 32);
  }
}
