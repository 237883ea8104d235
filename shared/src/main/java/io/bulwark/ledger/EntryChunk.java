package io.bulwark.ledger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;

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
 */
final class EntryChunk {
  static final byte[] BUNDLE_PREFIX = "{\"entries\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  static final byte[] BUNDLE_SUFFIX = {']', '}'};
  static final byte[] SEGMENT_PREFIX = {' ', ' ', ' ', ' '};

  /** The readable copy is absent, is the same JSON value as the leaf, or differs from it. */
  static final byte NO_COPY = 0;
  static final byte SAME_COPY = 1;
  static final byte OTHER_COPY = 2;

  private static final int MAX_RAW = 1 << 20;
  /**
   * The sequential parser's settings without its duplicate-name check, whose per-object hash set cost as much as the
   * rest of the parse: names are checked here instead where that is cheap (known entry fields; strictly ascending
   * names in a readable copy, as canonical JSON has them), and a chunk where it is not is parsed again strictly.
   */
  private static final JsonFactory LENIENT = BundleVerifier.JSON.copy()
      .disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).setCodec(CanonicalJson.STREAMING);
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final Base64.Decoder B64 = Base64.getDecoder();

  private final int limit;
  private final boolean strict;
  /** Set by a lenient parse that met names it cannot check cheaply. */
  private boolean needsStrict;
  private String[] lastNames = new String[8];
  private int maxDepth;
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

  private EntryChunk(int capacity, int limit, boolean strict) {
    this.limit = limit;
    this.strict = strict;
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
    EntryChunk c = new EntryChunk(Math.max(16, len / 400), len, strict);
    if (!strict && c.readPlain(buf, bundle)) {
      return c;
    }
    c.count = 0;
    try (JsonParser p = (strict ? BundleVerifier.JSON : LENIENT).createParser(buf, 0, len)) {
      c.read(p, buf, bundle);
    } catch (Lenient e) {
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

  private static final byte[] INDEX = ascii("{\"index\":");
  private static final byte[] LEAF = ascii(",\"leaf\":\"");
  private static final byte[] HASH = ascii("\",\"hash\":\"");
  private static final byte[] ENTRY = ascii("\",\"entry\":");
  private static final byte[] END = ascii("\"}");

  /**
   * Reads a chunk written exactly as exports write it ({@code {"index":N,"leaf":"..","hash":"..","entry":{..}}}, no
   * whitespace, a readable copy byte-equal to the leaf) without tokenizing the entry level, whose base64 strings are
   * most of the bytes. Every such text parses, as the sequential loop would, to these values; false for anything else
   * (including what the parser might reject), which the parser then reads.
   */
  private boolean readPlain(byte[] buf, boolean bundle) {
    int i = bundle ? BUNDLE_PREFIX.length : SEGMENT_PREFIX.length;
    int end = bundle ? limit - 2 : limit;
    if (bundle && (end < i || buf[end] != ']' || buf[end + 1] != '}')) {
      return false;
    }
    MerkleHash.Hasher hasher = MerkleHash.hasher();
    try {
      while (i < end) {
        if (count == index.length) {
          grow();
        }
        i = plainEntry(buf, i, end, bundle);
        if (i < 0) {
          return false;
        }
        hasher.leafInto(leaf[count], 0, leaf[count].length, leafHashes, count * 32);
        count++;
        if (i < end) {
          if (buf[i] != (bundle ? ',' : '\n') || (bundle && i + 1 == end)) {
            return false;
          }
          i++;
        }
      }
      return !bundle || (count > 0 && plainCopies());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private int plainEntry(byte[] buf, int i, int end, boolean bundle) throws IOException {
    if (!at(buf, i, end, INDEX)) {
      return -1;
    }
    i += INDEX.length;
    int digits = i;
    long idx = 0;
    while (i < end && buf[i] >= '0' && buf[i] <= '9' && i - digits < 18) {
      idx = idx * 10 + (buf[i++] - '0');
    }
    // the parser's integers: no sign, no leading zero
    if (i == digits || (buf[digits] == '0' && i - digits > 1) || !at(buf, i, end, LEAF)) {
      return -1;
    }
    i += LEAF.length;
    int e = quoteOrBackslash(buf, i, end);
    if (e >= end || buf[e] != '"' || e - i > MAX_RAW || !at(buf, e, end, HASH)) {
      return -1;
    }
    byte[] l = decode(buf, i, e);
    i = e + HASH.length;
    e = quoteOrBackslash(buf, i, end);
    if (e >= end || buf[e] != '"' || e - i > MAX_RAW) {
      return -1;
    }
    byte[] h = decode(buf, i, e);
    if (bundle) {
      if (!at(buf, e, end, ENTRY)) {
        return -1;
      }
      i = e + ENTRY.length;
      if (end - i <= l.length || buf[i + l.length] != '}' || !Arrays.equals(buf, i, i + l.length, l, 0, l.length)
          || l.length == 0 || l[0] != '{') {
        return -1;
      }
      i += l.length + 1;
    } else {
      if (!at(buf, e, end, END)) {
        return -1;
      }
      i = e + END.length;
    }
    index[count] = idx;
    hasIndex[count] = true;
    leaf[count] = l;
    hash[count] = h;
    copy[count] = bundle ? SAME_COPY : NO_COPY;
    return i;
  }

  /**
   * Whether each readable copy (equal to its leaf) reads, where the sequential loop reads it, as exactly the leaf's
   * own JSON value: one object, names ascending (so unique), no fractions, not nested deep enough to near the parser's
   * depth limit (it is parsed here shallower than in the file). One parser reads them all, space-separated.
   */
  private boolean plainCopies() throws IOException {
    int total = 0;
    for (int i = 0; i < count; i++) {
      total += leaf[i].length + 1;
    }
    byte[] all = new byte[total];
    int[] ends = new int[count];
    for (int i = 0, at = 0; i < count; i++) {
      System.arraycopy(leaf[i], 0, all, at, leaf[i].length);
      at += leaf[i].length;
      ends[i] = at;
      all[at++] = ' ';
    }
    try (JsonParser p = LENIENT.createParser(all)) {
      maxDepth = 0;
      for (int i = 0; i < count; i++) {
        if (p.nextToken() != JsonToken.START_OBJECT || readLikeATree(p, JsonToken.START_OBJECT)
            || p.currentLocation().getByteOffset() != ends[i]) {
          return false;
        }
      }
      return maxDepth < 100 && p.nextToken() == null;
    } catch (Lenient e) {
      return false;
    }
  }

  private static boolean at(byte[] buf, int i, int end, byte[] lit) {
    return end - i >= lit.length && Arrays.equals(buf, i, i + lit.length, lit, 0, lit.length);
  }

  private static byte[] decode(byte[] buf, int from, int to) {
    ByteBuffer out = B64.decode(ByteBuffer.wrap(buf, from, to - from));
    return out.hasArray() && out.arrayOffset() == 0 && out.array().length == out.remaining()
        ? out.array() : Arrays.copyOfRange(out.array(), out.arrayOffset() + out.position(), out.limit());
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** A lenient parse cannot vouch for unique names here. */
  private static final class Lenient extends RuntimeException {
    Lenient() {
      super(null, null, false, false);
    }
  }

  private void unique(boolean ok) {
    if (!ok && !strict) {
      throw new Lenient();
    }
  }

  private void read(JsonParser p, byte[] buf, boolean bundle) throws IOException {
    MerkleHash.Hasher hasher = MerkleHash.hasher();
    JsonToken t;
    if (bundle) {
      if (p.nextToken() != JsonToken.START_OBJECT || p.nextToken() != JsonToken.FIELD_NAME
          || !"entries".equals(p.currentName()) || p.nextToken() != JsonToken.START_ARRAY) {
        troubleAt = 0;
        return;
      }
    }
    while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
      if (count == index.length) {
        grow();
      }
      entry(p, buf, bundle);
      if (leaf[count] != null) {
        byte[] l = leaf[count];
        hasher.leafInto(l, 0, l.length, leafHashes, count * 32);
      }
      count++;
    }
    // a bundle chunk must end exactly where its wrapper does, a segment chunk at a line end with nothing else
    boolean clean = bundle
        ? t == JsonToken.END_ARRAY && p.nextToken() == JsonToken.END_OBJECT && p.nextToken() == null
        : t == null;
    if (!clean) {
      troubleAt = count;
    }
  }

  private void entry(JsonParser p, byte[] buf, boolean bundle) throws IOException {
    int i = count;
    Long idx = null;
    byte[] l = null;
    byte[] h = null;
    int copyStart = -1;
    int copyEnd = -1;
    JsonNode copyValue = null;
    boolean copyFloats = false;
    int seen = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      int bit = switch (field) {
        case "index" -> 1;
        case "leaf" -> 2;
        case "hash" -> 4;
        case "entry" -> 8;
        case "proof" -> 16;
        default -> 0;
      };
      unique(bit != 0 && (seen & bit) == 0);
      seen |= bit;
      switch (field) {
        case "index" -> idx = BundleVerifier.number(p);
        case "leaf" -> l = binary(p, buf, limit);
        case "hash" -> h = t == JsonToken.VALUE_NULL ? null : binary(p, buf, limit);
        case "entry" -> {
          if (!bundle) {
            unique(!t.isStructStart());
            p.skipChildren();
          } else if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            // kept as bytes: an exact copy of the leaf needs no tree (tokens are still read as a tree read would)
            copyStart = (int) p.currentTokenLocation().getByteOffset();
            copyFloats = readLikeATree(p, t);
            copyEnd = (int) p.currentLocation().getByteOffset();
            copyValue = null;
          } else {
            copyStart = -1;
            copyValue = t == JsonToken.VALUE_NULL ? null : p.readValueAsTree();
          }
        }
        case "proof" -> {
          if (bundle) {
            BundleVerifier.hashes(p);
          } else {
            unique(!t.isStructStart());
            p.skipChildren();
          }
        }
        default -> {
          unique(!t.isStructStart());
          p.skipChildren();
        }
      }
    }
    index[i] = idx == null ? 0 : idx;
    hasIndex[i] = idx != null;
    leaf[i] = l;
    hash[i] = h;
    copy[i] = NO_COPY;
    if (l != null && (copyStart >= 0 || copyValue != null)) {
      boolean same;
      if (copyStart >= 0 && !copyFloats && Arrays.equals(buf, copyStart, copyEnd, l, 0, l.length)) {
        same = true;
      } else {
        JsonNode value = copyValue != null ? copyValue
            : CanonicalJson.STREAMING.readTree(buf, copyStart, copyEnd - copyStart);
        same = value.equals(CanonicalJson.parse(l));
      }
      copy[i] = same ? SAME_COPY : OTHER_COPY;
    }
  }

  /**
   * Reads the rest of the container the parser is at, decoding its strings as a tree read does (the parser's string
   * length limit and UTF-8 checks apply to decoded text); true when it holds fractional numbers, whose conversion to
   * BigDecimal only a real tree read can judge.
   */
  private boolean readLikeATree(JsonParser p, JsonToken first) throws IOException {
    boolean floats = false;
    int depth = 0;
    String[] last = lastNames;
    // per open container: the last name seen (objects only), to check names ascend
    last[0] = null;
    for (JsonToken t = first; ; t = p.nextToken()) {
      if (t == null) {
        throw new IOException("unexpected end of input");
      }
      switch (t) {
        case START_OBJECT, START_ARRAY -> {
          maxDepth = Math.max(maxDepth, depth + 1);
          if (++depth == last.length) {
            last = lastNames = Arrays.copyOf(last, depth * 2);
          }
          last[depth] = null;
        }
        case END_OBJECT, END_ARRAY -> depth--;
        case FIELD_NAME -> {
          String name = p.currentName();
          unique(last[depth] == null || last[depth].compareTo(name) < 0);
          last[depth] = name;
        }
        case VALUE_STRING -> p.getTextLength();
        case VALUE_NUMBER_FLOAT -> floats = true;
        default -> { }
      }
      if (depth == 0) {
        return floats;
      }
    }
  }

  /**
   * A base64 string, decoded straight from the input bytes when they are plain base64 (then the text the parser would
   * give is those very characters); anything else goes through {@link BundleVerifier#binary}.
   */
  private static byte[] binary(JsonParser p, byte[] buf, int limit) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      return BundleVerifier.binary(p);
    }
    int start = (int) p.currentTokenLocation().getByteOffset() + 1;
    int end = quoteOrBackslash(buf, start, limit);
    // long strings go the parser's way too: its string length limit applies to decoded text only
    if (end >= limit || buf[end] != '"' || buf[start - 1] != '"' || end - start > MAX_RAW) {
      return BundleVerifier.binary(p);
    }
    try {
      return decode(buf, start, end);
    } catch (IllegalArgumentException e) {
      throw new IOException("not base64");
    }
  }

  /** The first '"' or '\\' in {@code b[i..limit)}, eight bytes at a time, or {@code limit}. */
  private static int quoteOrBackslash(byte[] b, int i, int limit) {
    for (; i + 8 <= limit; i += 8) {
      long x = (long) LONGS.get(b, i);
      long q = x ^ 0x2222222222222222L;
      long s = x ^ 0x5C5C5C5C5C5C5C5CL;
      // the classic has-zero-byte test; its lowest flagged byte is always a true match
      long hit = (((q - 0x0101010101010101L) & ~q) | ((s - 0x0101010101010101L) & ~s)) & 0x8080808080808080L;
      if (hit != 0) {
        return i + (Long.numberOfTrailingZeros(hit) >>> 3);
      }
    }
    while (i < limit && b[i] != '"' && b[i] != '\\') {
      i++;
    }
    return i;
  }

  private void grow() {
    int n = index.length * 2;
    index = Arrays.copyOf(index, n);
    hasIndex = Arrays.copyOf(hasIndex, n);
    leaf = Arrays.copyOf(leaf, n);
    hash = Arrays.copyOf(hash, n);
    copy = Arrays.copyOf(copy, n);
    leafHashes = Arrays.copyOf(leafHashes, n * 32);
  }
}
