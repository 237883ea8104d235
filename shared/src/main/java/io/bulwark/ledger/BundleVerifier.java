package io.bulwark.ledger;

import static io.bulwark.ledger.VerificationResult.MALFORMED_BUNDLE;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Verifies an exported audit bundle ({@code bulwark-audit-bundle/v1}) or archive segment
 * ({@code bulwark-audit-segment/v1} manifest beside its {@code .jsonl.gz}) offline, streaming the entries so the
 * file never has to fit in memory. Only {@code trusted} keys count; the keys listed in the file are ignored.
 *
 * <p>An entry's optional {@code entry} field (a readable copy of the leaf) must be the same JSON value as the leaf's
 * bytes, else {@code entry-malformed}: a reader of the bundle must not be shown something other than what was signed.
 * That costs a parse per entry, so it is only paid when the field is present (segments never carry it).
 */
public final class BundleVerifier {
  static final String BUNDLE_FORMAT = "bulwark-audit-bundle/v1";
  static final String SEGMENT_FORMAT = "bulwark-audit-segment/v1";
  static final JsonFactory JSON = CanonicalJson.STREAMING.getFactory();
  private static final int BUFFER = 1 << 16;

  private BundleVerifier() {}

  /** Verifies a bundle, a segment manifest, or a segment's {@code .jsonl.gz} (whose manifest lies beside it). */
  public static VerificationResult verifyFile(Path path, Collection<VerifierKey> trusted) {
    try {
      String name = path.getFileName() == null ? "" : path.getFileName().toString();
      if (name.endsWith(".jsonl.gz")) {
        path = path.resolveSibling(name.substring(0, name.length() - ".jsonl.gz".length()) + ".manifest.json");
      }
      return verify(path, trusted);
    } catch (NoSuchFileException e) {
      return VerificationResult.malformed("no such file: " + e.getFile());
    } catch (IOException | RuntimeException e) {
      return VerificationResult.malformed(oneLine(e));
    }
  }

  /** The top-level fields, collected while streaming. */
  static final class Header {
    String format;
    String origin;
    String scope;
    Long from;
    Long to;
    List<byte[]> leftEdge;
    List<LedgerVerifier.CheckpointInput> checkpoints;
    List<long[]> consistencySizes = new ArrayList<>();
    List<List<byte[]>> consistencyProofs = new ArrayList<>();
    JsonNode segmentCheckpoint;
    String file;
    String sha256;
    Long bytes;

    boolean readyForEntries() {
      return format != null && origin != null && scope != null && from != null && checkpoints != null
          && (leftEdge != null || "tenant".equals(scope));
    }
  }

  private static VerificationResult verify(Path path, Collection<VerifierKey> trusted) throws IOException {
    VerificationResult fast = ParallelVerify.bundle(path, trusted);
    if (fast != null) {
      return fast;
    }
    Header h = new Header();
    LedgerVerifier v = null;
    boolean entriesSkipped = false;
    try (JsonParser p = JSON.createParser(new BufferedInputStream(Files.newInputStream(path), BUFFER))) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return VerificationResult.malformed("not a JSON object: " + path.getFileName());
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (!headerField(p, h, field)) {
          if (v == null && h.readyForEntries() && BUNDLE_FORMAT.equals(h.format)) {
            v = start(h, trusted);
            entries(p, h, v);
          } else {
            // the header comes after the entries: a second pass reads them once it is known
            p.skipChildren();
            entriesSkipped = true;
          }
        }
      }
    }
    return conclude(path, h, v, trusted, entriesSkipped);
  }

  /** Reads one top-level field other than {@code entries} (for which it returns false, leaving it to the caller). */
  static boolean headerField(JsonParser p, Header h, String field) throws IOException {
    switch (field) {
      case "format" -> h.format = text(p);
      case "origin" -> h.origin = text(p);
      case "scope" -> h.scope = text(p);
      case "from" -> h.from = number(p);
      case "to" -> h.to = number(p);
      case "leftEdge" -> h.leftEdge = hashes(p);
      case "checkpoints" -> h.checkpoints = checkpoints(p);
      case "checkpoint" -> h.segmentCheckpoint = p.readValueAsTree();
      case "consistency" -> consistency(p, h);
      case "file" -> h.file = text(p);
      case "sha256" -> h.sha256 = text(p);
      case "bytes" -> h.bytes = number(p);
      case "entries" -> {
        return false;
      }
      default -> p.skipChildren();
    }
    return true;
  }

  /** What follows the top-level object: a segment's entries, or a bundle's consistency proofs and last checkpoints. */
  static VerificationResult conclude(Path path, Header h, LedgerVerifier v, Collection<VerifierKey> trusted,
      boolean entriesSkipped) throws IOException {
    if (SEGMENT_FORMAT.equals(h.format)) {
      return segment(path, h, trusted);
    }
    if (!BUNDLE_FORMAT.equals(h.format)) {
      return VerificationResult.malformed("not a " + BUNDLE_FORMAT + " bundle or " + SEGMENT_FORMAT + " manifest");
    }
    if (!h.readyForEntries() || h.to == null || !("ledger".equals(h.scope) || "tenant".equals(h.scope))) {
      return VerificationResult.malformed("the bundle lacks origin, scope (ledger or tenant), from, to, leftEdge or "
          + "checkpoints");
    }
    if (v == null) {
      v = start(h, trusted);
      if (entriesSkipped) {
        secondPass(path, h, v);
      }
    }
    for (int i = 0; i < h.consistencySizes.size(); i++) {
      long[] s = h.consistencySizes.get(i);
      v.acceptConsistency(s[0], s[1], h.consistencyProofs.get(i));
    }
    return "tenant".equals(h.scope) ? v.finish() : v.finish(h.to);
  }

  static LedgerVerifier start(Header h, Collection<VerifierKey> trusted) {
    LedgerVerifier v = new LedgerVerifier(h.origin, trusted);
    if ("tenant".equals(h.scope)) {
      v.beginSparse(h.checkpoints);
    } else {
      v.begin(h.from, h.leftEdge, h.checkpoints);
    }
    return v;
  }

  private static void secondPass(Path path, Header h, LedgerVerifier v) throws IOException {
    try (JsonParser p = JSON.createParser(new BufferedInputStream(Files.newInputStream(path), BUFFER))) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (field.equals("entries")) {
          entries(p, h, v);
          return;
        }
        p.skipChildren();
      }
    }
  }

  private static void entries(JsonParser p, Header h, LedgerVerifier v) throws IOException {
    expect(p, JsonToken.START_ARRAY, "entries");
    boolean tenant = "tenant".equals(h.scope);
    while (p.nextToken() == JsonToken.START_OBJECT) {
      if (v.failed()) {
        // the first failure is the answer; the rest only needs to be well-formed enough to skip
        p.skipChildren();
        continue;
      }
      Long index = null;
      byte[] leaf = null;
      byte[] hash = null;
      JsonNode entry = null;
      List<byte[]> proof = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "index" -> index = number(p);
          case "leaf" -> leaf = binary(p);
          case "hash" -> hash = p.currentToken() == JsonToken.VALUE_NULL ? null : binary(p);
          case "entry" -> entry = p.currentToken() == JsonToken.VALUE_NULL ? null : p.readValueAsTree();
          case "proof" -> proof = hashes(p);
          default -> p.skipChildren();
        }
      }
      if (index == null || leaf == null || (tenant && proof == null)) {
        v.reject(MALFORMED_BUNDLE, index, "an entry needs index and leaf" + (tenant ? " and proof" : ""));
        continue;
      }
      if (tenant) {
        v.acceptProven(index, leaf, hash, proof);
      } else {
        v.accept(index, leaf, hash);
      }
      if (entry != null && !v.failed() && !entry.equals(CanonicalJson.parse(leaf))) {
        v.reject(VerificationResult.ENTRY_MALFORMED, index, "the readable copy of entry " + index + " differs from its bytes");
      }
    }
    if (p.currentToken() != JsonToken.END_ARRAY) {
      throw new IOException("entries must be an array of objects");
    }
  }

  private static VerificationResult segment(Path manifest, Header h, Collection<VerifierKey> trusted)
      throws IOException {
    if (h.origin == null || h.from == null || h.to == null || h.leftEdge == null || h.segmentCheckpoint == null
        || h.file == null || h.sha256 == null || !h.file.matches("[A-Za-z0-9._-]+") || !h.segmentCheckpoint.isObject()
        || !h.segmentCheckpoint.path("note").isTextual()) {
      return VerificationResult.malformed("the segment manifest lacks origin, from, to, leftEdge, checkpoint, file or sha256");
    }
    Path data = manifest.resolveSibling(h.file);
    VerificationResult fast = ParallelVerify.segment(data, h, trusted);
    if (fast != null) {
      return fast;
    }
    MessageDigest sha = sha256();
    long size = 0;
    try (InputStream in = new DigestInputStream(Files.newInputStream(data), sha)) {
      byte[] buf = new byte[BUFFER];
      for (int n; (n = in.read(buf)) > 0; ) {
        size += n;
      }
    }
    VerificationResult badSum = checksum(h, sha.digest(), size);
    if (badSum != null) {
      return badSum;
    }
    LedgerVerifier v = new LedgerVerifier(h.origin, trusted);
    v.begin(h.from, h.leftEdge, List.of(segmentCheckpoint(h)));
    // the file was just hashed; it is read a second time so the checksum is known before anything is trusted
    try (JsonParser p = JSON.createParser(new GZIPInputStream(Files.newInputStream(data), BUFFER))) {
      while (p.nextToken() == JsonToken.START_OBJECT && !v.failed()) {
        Long index = null;
        byte[] leaf = null;
        byte[] hash = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          p.nextToken();
          switch (field) {
            case "index" -> index = number(p);
            case "leaf" -> leaf = binary(p);
            case "hash" -> hash = p.currentToken() == JsonToken.VALUE_NULL ? null : binary(p);
            default -> p.skipChildren();
          }
        }
        if (index == null || leaf == null) {
          v.reject(MALFORMED_BUNDLE, index, "a segment line needs index and leaf");
          break;
        }
        v.accept(index, leaf, hash);
      }
    }
    return v.finish(h.to);
  }

  static LedgerVerifier.CheckpointInput segmentCheckpoint(Header h) throws IOException {
    List<byte[]> rightEdge = new ArrayList<>();
    for (JsonNode n : h.segmentCheckpoint.path("rightEdge")) {
      rightEdge.add(n.binaryValue());
    }
    return new LedgerVerifier.CheckpointInput(h.segmentCheckpoint.get("note").asText(), rightEdge);
  }

  /** The {@code segment-checksum} failure when the data file is not the one the manifest describes, else null. */
  static VerificationResult checksum(Header h, byte[] digest, long size) {
    String actual = HexFormat.of().formatHex(digest);
    if (!actual.equalsIgnoreCase(h.sha256) || (h.bytes != null && h.bytes != size)) {
      return VerificationResult.failed(VerificationResult.SEGMENT_CHECKSUM, null, 0, 0, h.file + " has SHA-256 "
          + actual + " and " + size + " bytes; the manifest says " + h.sha256 + (h.bytes == null ? "" : " and " + h.bytes));
    }
    return null;
  }

  private static void consistency(JsonParser p, Header h) throws IOException {
    expect(p, JsonToken.START_ARRAY, "consistency");
    while (p.nextToken() == JsonToken.START_OBJECT) {
      JsonNode c = p.readValueAsTree();
      if (!c.path("from").canConvertToLong() || !c.path("to").canConvertToLong() || !c.path("proof").isArray()) {
        throw new IOException("a consistency proof has from, to and proof");
      }
      List<byte[]> proof = new ArrayList<>();
      for (JsonNode n : c.get("proof")) {
        proof.add(n.binaryValue());
      }
      h.consistencySizes.add(new long[] {c.get("from").asLong(), c.get("to").asLong()});
      h.consistencyProofs.add(proof);
    }
  }

  private static List<LedgerVerifier.CheckpointInput> checkpoints(JsonParser p) throws IOException {
    expect(p, JsonToken.START_ARRAY, "checkpoints");
    List<LedgerVerifier.CheckpointInput> out = new ArrayList<>();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      String note = null;
      List<byte[]> rightEdge = List.of();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "note" -> note = text(p);
          case "rightEdge" -> rightEdge = hashes(p);
          default -> p.skipChildren();
        }
      }
      if (note == null) {
        throw new IOException("a checkpoint has a note");
      }
      out.add(new LedgerVerifier.CheckpointInput(note, rightEdge));
    }
    return out;
  }

  static List<byte[]> hashes(JsonParser p) throws IOException {
    expect(p, JsonToken.START_ARRAY, "a list of hashes");
    List<byte[]> out = new ArrayList<>();
    while (p.nextToken() == JsonToken.VALUE_STRING) {
      out.add(binary(p));
    }
    if (p.currentToken() != JsonToken.END_ARRAY) {
      throw new IOException("expected base64 hashes at " + p.currentLocation().getLineNr());
    }
    return out;
  }

  /**
   * A base64 string value, decoded by the JDK straight from the parser's characters: Jackson's own decoder takes
   * about as long as hashing the entry, which mattered for the million-entries-a-second goal.
   */
  static byte[] binary(JsonParser p) throws IOException {
    expect(p, JsonToken.VALUE_STRING, "a base64 string");
    char[] chars = p.getTextCharacters();
    int off = p.getTextOffset();
    int len = p.getTextLength();
    byte[] ascii = new byte[len];
    for (int i = 0; i < len; i++) {
      char c = chars[off + i];
      if (c > 0x7f) {
        throw new IOException("not base64 at line " + p.currentLocation().getLineNr());
      }
      ascii[i] = (byte) c;
    }
    try {
      return Base64.getDecoder().decode(ascii);
    } catch (IllegalArgumentException e) {
      throw new IOException("not base64 at line " + p.currentLocation().getLineNr());
    }
  }

  private static String text(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(p, JsonToken.VALUE_STRING, "a string");
    return p.getText();
  }

  static Long number(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(p, JsonToken.VALUE_NUMBER_INT, "an integer");
    return p.getLongValue();
  }

  static void expect(JsonParser p, JsonToken token, String what) throws IOException {
    if (p.currentToken() != token) {
      throw new IOException("expected " + what + " at line " + p.currentLocation().getLineNr() + ", found "
          + p.currentToken());
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replaceAll("[\\s\\p{Cntrl}]+", " ").trim();
  }
}
