package io.bulwark.ledger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Arrays;

/** Reads an {@link EntryChunk} token by token, every field exactly as {@link BundleVerifier}'s sequential loop does. */
final class EntryParser {
  /**
   * The sequential parser's settings without its duplicate-name check, whose per-object hash set cost as much as the
   * rest of the parse: names are checked here instead where that is cheap (known entry fields; strictly ascending
   * names in a readable copy, as canonical JSON has them), and a chunk where it is not is parsed again strictly.
   */
  private static final JsonFactory LENIENT = BundleVerifier.JSON.copy()
      .disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).setCodec(CanonicalJson.STREAMING);

  private final EntryChunk c;
  private final byte[] buf;
  private final int limit;
  private final boolean strict;
  private String[] lastNames = new String[8];
  private int maxDepth;

  /** A parser of {@code buf[0..limit)} into {@code c}, lenient unless {@code strict}. */
  EntryParser(EntryChunk c, byte[] buf, int limit, boolean strict) {
    this.c = c;
    this.buf = buf;
    this.limit = limit;
    this.strict = strict;
  }

  /** A lenient parse cannot vouch for unique names here. */
  static final class Lenient extends RuntimeException {
    Lenient() {
      super(null, null, false, false);
    }
  }

  /** A JSON parser over the chunk with this parse's settings. */
  JsonParser open() throws IOException {
    return (strict ? BundleVerifier.JSON : LENIENT).createParser(buf, 0, limit);
  }

  /**
   * Whether each readable copy (equal to its leaf) reads, where the sequential loop reads it, as exactly the leaf's
   * own JSON value: one object, names ascending (so unique), no fractions, not nested deep enough to near the parser's
   * depth limit (it is parsed here shallower than in the file). One parser reads them all, space-separated.
   */
  boolean plainCopies() {
    try {
      int count = c.count;
      byte[][] leaf = c.leaf;
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
      }
    } catch (IOException | RuntimeException e) {
      // a Lenient included: the parser reads the chunk instead
      return false;
    }
  }

  private void unique(boolean ok) {
    if (!ok && !strict) {
      throw new Lenient();
    }
  }

  /** Reads the chunk's entries, setting {@link EntryChunk#troubleAt} where the chunk does not end as it must. */
  void read(JsonParser p, boolean bundle) throws IOException {
    MerkleHash.Hasher hasher = MerkleHash.hasher();
    JsonToken t;
    if (bundle) {
      if (p.nextToken() != JsonToken.START_OBJECT || p.nextToken() != JsonToken.FIELD_NAME
          || !"entries".equals(p.currentName()) || p.nextToken() != JsonToken.START_ARRAY) {
        c.troubleAt = 0;
        return;
      }
    }
    while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
      if (c.count == c.index.length) {
        c.grow();
      }
      entry(p, bundle);
      if (c.leaf[c.count] != null) {
        byte[] l = c.leaf[c.count];
        hasher.leafInto(l, 0, l.length, c.leafHashes, c.count * 32);
      }
      c.count++;
    }
    // a bundle chunk must end exactly where its wrapper does, a segment chunk at a line end with nothing else
    boolean clean = bundle
        ? t == JsonToken.END_ARRAY && p.nextToken() == JsonToken.END_OBJECT && p.nextToken() == null
        : t == null;
    if (!clean) {
      c.troubleAt = c.count;
    }
  }

  private void entry(JsonParser p, boolean bundle) throws IOException {
    int i = c.count;
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
    c.index[i] = idx == null ? 0 : idx;
    c.hasIndex[i] = idx != null;
    c.leaf[i] = l;
    c.hash[i] = h;
    c.copy[i] = EntryChunk.NO_COPY;
    if (l != null && (copyStart >= 0 || copyValue != null)) {
      boolean same;
      if (copyStart >= 0 && !copyFloats && Arrays.equals(buf, copyStart, copyEnd, l, 0, l.length)) {
        same = true;
      } else {
        JsonNode value = copyValue != null ? copyValue
            : CanonicalJson.STREAMING.readTree(buf, copyStart, copyEnd - copyStart);
        same = value.equals(CanonicalJson.parse(l));
      }
      c.copy[i] = same ? EntryChunk.SAME_COPY : EntryChunk.OTHER_COPY;
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
    int end = PlainEntries.quoteOrBackslash(buf, start, limit);
    // long strings go the parser's way too: its string length limit applies to decoded text only
    if (end >= limit || buf[end] != '"' || buf[start - 1] != '"' || end - start > PlainEntries.MAX_RAW) {
      return BundleVerifier.binary(p);
    }
    try {
      return PlainEntries.decode(buf, start, end);
    } catch (IllegalArgumentException e) {
      throw new IOException("not base64");
    }
  }
}
