package io.bulwark.backup.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Streaming AES-256-GCM for backup files, in independently authenticated chunks (a STREAM-like construction).
 *
 * <p>Layout: {@code "BWBK"}, version byte {@code 1}, key id length byte, key id (UTF-8), chunk size (4 bytes), a
 * random 8-byte nonce prefix; then chunks, each a 4-byte big-endian ciphertext length and the ciphertext with its
 * 16-byte tag. Chunk {@code i} uses nonce {@code prefix || i} (4 bytes, big-endian) and additional data
 * {@code header || finalFlag}, where the flag is 1 only on the last chunk. Every chunk but the last holds exactly the
 * chunk size of plaintext; the last holds 0..chunk size. Because the whole header and the flag are authenticated,
 * editing the header, swapping the key id, reordering chunks or cutting the file short all fail instead of yielding
 * plausible data, and plaintext leaves the decrypting stream only after its chunk authenticated.
 *
 * <p>Errors while decrypting are {@link BackupFormatException}s: {@code not-encrypted} (no magic bytes; an empty file
 * or a cut inside the magic is {@code truncated}), {@code unsupported-format} (another version, a zero-length key id
 * or a chunk size outside 1..{@link #MAX_CHUNK}), {@code wrong-key} (the key id, even one damaged in transit, is not
 * configured), {@code tampered} (a chunk fails authentication, declares an impossible length, or data follows the
 * final chunk) and {@code truncated} (the file ends inside the header or a chunk, or after a chunk that is not the
 * final one).
 */
public final class ChunkedEncryption {
  /** Default plaintext bytes per chunk: 1 MiB. */
  public static final int DEFAULT_CHUNK = 1 << 20;
  /** Largest chunk size written or read, so a damaged header cannot make the reader allocate gigabytes. */
  public static final int MAX_CHUNK = 64 << 20;
  /** The algorithm name recorded in backup manifests. */
  public static final String ALGORITHM = "AES-256-GCM";
  /** The only format version this build writes and reads. */
  public static final int FORMAT_VERSION = 1;

  static final byte[] MAGIC = {'B', 'W', 'B', 'K'};
  static final int TAG_BYTES = 16;
  static final int NONCE_PREFIX_BYTES = 8;
  static final long MAX_CHUNKS = 0xFFFF_FFFFL + 1;

  private ChunkedEncryption() {}

  /** Encrypts into {@code out} with {@link #DEFAULT_CHUNK}-byte chunks; see {@link #encrypt(OutputStream, BackupKey, int)}. */
  public static OutputStream encrypt(OutputStream out, BackupKey key) {
    return encrypt(out, key, DEFAULT_CHUNK);
  }

  /**
   * A stream that encrypts what is written to it into {@code out}, holding at most about two chunks in memory.
   * {@code close()} seals the final chunk (a full buffer waits for the next byte before it is sealed, so only empty
   * input gives an empty final chunk) and closes
   * {@code out}; a file whose writer failed mid-way is left without a final chunk, so it reads as truncated. A producer
   * that fails while writing should not publish the result: closing still seals what was written so far.
   */
  public static OutputStream encrypt(OutputStream out, BackupKey key, int chunkBytes) {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(key, "key");
    if (chunkBytes < 1 || chunkBytes > MAX_CHUNK) {
      throw new IllegalArgumentException("chunk size must be 1.." + MAX_CHUNK + " bytes, not " + chunkBytes);
    }
    if (!BackupKey.validId(key.keyId())) {
      throw new IllegalArgumentException("key id must be 1..255 UTF-8 bytes");
    }
    return new EncryptingOutputStream(out, key, chunkBytes);
  }

  /**
   * A stream of the plaintext of the encrypted file read from {@code in}. {@code keys} maps the key id in the file's
   * header to a key, or to null when no such key is configured (use {@link #keyRing} so that the {@code wrong-key}
   * message can name the configured keys). The header is read on the first read, so every format problem surfaces
   * from {@code read} as a {@link BackupFormatException}; {@code close()} closes {@code in}.
   */
  public static InputStream decrypt(InputStream in, Function<String, BackupKey> keys) {
    return new DecryptingInputStream(Objects.requireNonNull(in, "in"), Objects.requireNonNull(keys, "keys"));
  }

  /** {@link #decrypt(InputStream, Function)} with one configured key. */
  public static InputStream decrypt(InputStream in, BackupKey key) {
    return decrypt(in, keyRing(key));
  }

  /** A key lookup over the given keys whose {@code toString()} lists their ids (never key material). */
  public static Function<String, BackupKey> keyRing(BackupKey... keys) {
    return keyRing(Arrays.asList(keys));
  }

  /** A key lookup over the given keys whose {@code toString()} lists their ids (never key material). */
  public static Function<String, BackupKey> keyRing(Collection<BackupKey> keys) {
    Map<String, BackupKey> byId = new LinkedHashMap<>();
    for (BackupKey key : keys) {
      byId.put(Objects.requireNonNull(key, "key").keyId(), key);
    }
    return new KeyRing(Map.copyOf(byId), List.copyOf(byId.keySet()));
  }

  /**
   * Reads only the header of an encrypted file and returns its key id, leaving {@code in} open after the header.
   *
   * @throws BackupFormatException {@code not-encrypted}, {@code truncated} or {@code unsupported-format}
   */
  public static String keyIdOf(InputStream in) throws IOException {
    return Header.read(in).keyId();
  }

  /** The key ids a lookup made by {@link #keyRing} knows, or null for any other lookup. */
  static List<String> configuredIds(Function<String, BackupKey> keys) {
    return keys instanceof KeyRing ring ? ring.ids() : null;
  }

  /** Nonce for chunk {@code counter}: the file's random prefix, then the counter as 4 big-endian bytes. */
  static byte[] nonce(byte[] prefix, long counter) {
    return ByteBuffer.allocate(NONCE_PREFIX_BYTES + 4).put(prefix).putInt((int) counter).array();
  }

  /** Makes a key id from a file printable in messages and logs, whatever bytes it held. */
  static String printable(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    text.codePoints().forEach(c -> sb.appendCodePoint(c < 0x20 || c == 0x7f || c == 0xfffd ? '?' : c));
    return sb.toString();
  }

  private record KeyRing(Map<String, BackupKey> byId, List<String> ids) implements Function<String, BackupKey> {
    @Override
    public BackupKey apply(String keyId) {
      return byId.get(keyId);
    }

    @Override
    public String toString() {
      return "KeyRing" + ids;
    }
  }

  /** A parsed file header; {@code bytes} is the exact header as stored, the prefix of every chunk's AAD. */
  record Header(byte[] bytes, String keyId, int chunkSize, byte[] noncePrefix) {

    static Header create(String keyId, int chunkSize, byte[] noncePrefix) {
      byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream out = new ByteArrayOutputStream(MAGIC.length + 2 + id.length + 4 + NONCE_PREFIX_BYTES);
      out.writeBytes(MAGIC);
      out.write(FORMAT_VERSION);
      out.write(id.length);
      out.writeBytes(id);
      out.writeBytes(ByteBuffer.allocate(4).putInt(chunkSize).array());
      out.writeBytes(noncePrefix);
      return new Header(out.toByteArray(), keyId, chunkSize, noncePrefix.clone());
    }

    static Header read(InputStream in) throws IOException {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (magic.length == 0) {
        throw new BackupFormatException(BackupFormatException.TRUNCATED, "backup file is empty");
      }
      if (!Arrays.equals(magic, 0, magic.length, MAGIC, 0, magic.length)) {
        throw new BackupFormatException(BackupFormatException.NOT_ENCRYPTED,
            "backup file does not start with the BWBK magic bytes: it is not an encrypted Bulwark backup");
      }
      if (magic.length < MAGIC.length) {
        throw truncatedHeader();
      }
      int version = readByte(in);
      if (version != FORMAT_VERSION) {
        throw new BackupFormatException(BackupFormatException.UNSUPPORTED_FORMAT,
            "backup file has format version " + version + "; this build reads version " + FORMAT_VERSION);
      }
      int idLength = readByte(in);
      if (idLength == 0) {
        throw new BackupFormatException(BackupFormatException.UNSUPPORTED_FORMAT, "backup file header has an empty key id");
      }
      byte[] id = readFully(in, idLength);
      byte[] chunk = readFully(in, 4);
      int chunkSize = ByteBuffer.wrap(chunk).getInt();
      if (chunkSize < 1 || chunkSize > MAX_CHUNK) {
        throw new BackupFormatException(BackupFormatException.UNSUPPORTED_FORMAT,
            "backup file declares a chunk size of " + Integer.toUnsignedString(chunkSize)
                + " bytes; this build reads 1.." + MAX_CHUNK);
      }
      byte[] prefix = readFully(in, NONCE_PREFIX_BYTES);
      String keyId = new String(id, StandardCharsets.UTF_8);
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.writeBytes(MAGIC);
      all.write(version);
      all.write(idLength);
      all.writeBytes(id);
      all.writeBytes(chunk);
      all.writeBytes(prefix);
      return new Header(all.toByteArray(), keyId, chunkSize, prefix);
    }

    /** The additional authenticated data for a chunk: the header followed by one spare byte for the final flag. */
    byte[] aadBuffer() {
      return Arrays.copyOf(bytes, bytes.length + 1);
    }

    private static int readByte(InputStream in) throws IOException {
      int b = in.read();
      if (b < 0) {
        throw truncatedHeader();
      }
      return b;
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
      byte[] bytes = in.readNBytes(n);
      if (bytes.length < n) {
        throw truncatedHeader();
      }
      return bytes;
    }

    private static BackupFormatException truncatedHeader() {
      return new BackupFormatException(BackupFormatException.TRUNCATED, "backup file ends inside its header");
    }
  }
}
