package io.bulwark.audit.retention;

import io.bulwark.shared.ledgerdb.EntryStore.StoredEntry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Writes one archive segment ({@code bulwark-audit-segment/v1}): gzip'd JSON lines of a contiguous index range, hashed
 * while written, then a manifest with the covering checkpoint and the tree hashes to recompute its root. Files appear
 * under their final names only when complete (written to a temporary name, then moved). Blocking: worker threads only.
 */
final class SegmentWriter implements AutoCloseable {
  static final String FORMAT = "bulwark-audit-segment/v1";
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private final Path dir;
  private final long from;
  private final Path tmp;
  private final MessageDigest sha;
  private final GZIPOutputStream gzip;
  private long bytes;
  private String sha256;

  SegmentWriter(Path dir, long from) {
    this.dir = dir;
    this.from = from;
    try {
      Files.createDirectories(dir);
      this.tmp = Files.createTempFile(dir, "segment-" + from + "-", ".tmp");
      this.sha = MessageDigest.getInstance("SHA-256");
      OutputStream counting = new OutputStream() {
        private final OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);

        @Override
        public void write(int b) throws IOException {
          out.write(b);
          bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
          bytes += len;
        }

        @Override
        public void close() throws IOException {
          out.close();
        }
      };
      this.gzip = new GZIPOutputStream(new DigestOutputStream(counting, sha), 1 << 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to the archive directory " + dir + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String baseName(long from, long to) {
    return "segment-" + String.format("%016d", from) + "-" + String.format("%016d", to);
  }

  void write(List<StoredEntry> page, java.util.function.LongFunction<byte[]> recordedHash) {
    try {
      for (StoredEntry e : page) {
        String line = new JsonObject().put("index", e.index()).put("leaf", B64.encodeToString(e.entry()))
            .put("hash", B64.encodeToString(recordedHash.apply(e.index()))).encode() + "\n";
        gzip.write(line.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("archive segment write failed: " + e.getMessage(), e);
    }
  }

  /** Closes the data file and writes the manifest; returns the manifest's path. */
  Path finish(long to, String origin, List<byte[]> leftEdge, String checkpointNote, List<byte[]> rightEdge, List<String> vkeys,
              java.time.Instant createdAt) {
    try {
      gzip.close();
      String base = baseName(from, to);
      Path data = dir.resolve(base + ".jsonl.gz");
      Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE);
      sha256 = HexFormat.of().formatHex(sha.digest());
      JsonObject manifest = new JsonObject().put("format", FORMAT).put("origin", origin).put("from", from).put("to", to)
          .put("file", data.getFileName().toString()).put("sha256", sha256).put("bytes", bytes)
          .put("leftEdge", encode(leftEdge))
          .put("checkpoint", new JsonObject().put("note", checkpointNote).put("rightEdge", encode(rightEdge)))
          .put("keys", new JsonArray(vkeys)).put("createdAt", createdAt.toString());
      Path manifestTmp = Files.createTempFile(dir, base, ".manifest.tmp");
      Files.writeString(manifestTmp, manifest.encodePrettily() + "\n", StandardCharsets.UTF_8);
      Path manifestPath = dir.resolve(base + ".manifest.json");
      Files.move(manifestTmp, manifestPath, StandardCopyOption.ATOMIC_MOVE);
      return manifestPath;
    } catch (IOException e) {
      throw new UncheckedIOException("archive segment could not be completed: " + e.getMessage(), e);
    }
  }

  long bytes() {
    return bytes;
  }

  /** SHA-256 of the data file, once {@link #finish} has run. */
  String sha256Hex() {
    return sha256;
  }

  private static JsonArray encode(List<byte[]> hashes) {
    JsonArray out = new JsonArray();
    hashes.forEach(h -> out.add(B64.encodeToString(h)));
    return out;
  }

  /** Abandons an unfinished segment: nothing half-written is left under a final name. */
  @Override
  public void close() {
    try {
      gzip.close();
    } catch (IOException ignored) {
      // the temporary file goes either way
    }
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException ignored) {
      // best effort; a stray .tmp is never read as a segment
    }
  }
}
