package io.bulwark.ledger;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Base64;

/**
 * Reads an {@link EntryChunk} written exactly as exports write it without tokenizing the entry level, whose base64
 * strings are most of the bytes; also the byte-level base64 decoding {@link EntryParser} shares.
 */
final class PlainEntries {
  /** Longer base64 strings go the parser's way: its string length limit applies to decoded text only. */
  static final int MAX_RAW = 1 << 20;

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final Base64.Decoder B64 = Base64.getDecoder();
  private static final byte[] INDEX = ascii("{\"index\":");
  private static final byte[] LEAF = ascii(",\"leaf\":\"");
  private static final byte[] HASH = ascii("\",\"hash\":\"");
  private static final byte[] ENTRY = ascii("\",\"entry\":");
  private static final byte[] END = ascii("\"}");

  private PlainEntries() {}

  /**
   * Reads {@code buf[0..limit)} into {@code c} when it is written exactly as exports write it
   * ({@code {"index":N,"leaf":"..","hash":"..","entry":{..}}}, no whitespace, a readable copy byte-equal to the leaf).
   * Every such text parses, as the sequential loop would, to these values; false for anything else (including what the
   * parser might reject), which the parser then reads. A bundle's readable copies are left to
   * {@link EntryParser#plainCopies}.
   */
  static boolean read(EntryChunk c, byte[] buf, int limit, boolean bundle) {
    int i = bundle ? EntryChunk.BUNDLE_PREFIX.length : EntryChunk.SEGMENT_PREFIX.length;
    int end = bundle ? limit - 2 : limit;
    if (bundle && (end < i || buf[end] != ']' || buf[end + 1] != '}')) {
      return false;
    }
    MerkleHash.Hasher hasher = MerkleHash.hasher();
    try {
      while (i < end) {
        if (c.count == c.index.length) {
          c.grow();
        }
        i = entry(c, buf, i, end, bundle);
        if (i < 0) {
          return false;
        }
        hasher.leafInto(c.leaf[c.count], 0, c.leaf[c.count].length, c.leafHashes, c.count * 32);
        c.count++;
        if (i < end) {
          if (buf[i] != (bundle ? ',' : '\n') || (bundle && i + 1 == end)) {
            return false;
          }
          i++;
        }
      }
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static int entry(EntryChunk c, byte[] buf, int i, int end, boolean bundle) {
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
    int n = c.count;
    c.index[n] = idx;
    c.hasIndex[n] = true;
    c.leaf[n] = l;
    c.hash[n] = h;
    c.copy[n] = bundle ? EntryChunk.SAME_COPY : EntryChunk.NO_COPY;
    return i;
  }

  private static boolean at(byte[] buf, int i, int end, byte[] lit) {
    return end - i >= lit.length && Arrays.equals(buf, i, i + lit.length, lit, 0, lit.length);
  }

  /** The base64 text {@code buf[from..to)} decoded, in an array of its own. */
  static byte[] decode(byte[] buf, int from, int to) {
    ByteBuffer out = B64.decode(ByteBuffer.wrap(buf, from, to - from));
    return out.hasArray() && out.arrayOffset() == 0 && out.array().length == out.remaining()
        ? out.array() : Arrays.copyOfRange(out.array(), out.arrayOffset() + out.position(), out.limit());
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** The first '"' or '\\' in {@code b[i..limit)}, eight bytes at a time, or {@code limit}. */
  static int quoteOrBackslash(byte[] b, int i, int limit) {
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
}
