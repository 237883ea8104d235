package io.bulwark.backup.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The reading side of {@link ChunkedEncryption}: reads, authenticates and only then hands out one chunk at a time.
 * Whether a chunk is the last one is decided by looking one byte ahead, so a file cut after a whole chunk is told
 * apart ({@code truncated}) from one whose chunks were altered ({@code tampered}).
 */
final class DecryptingInputStream extends InputStream {
  private static final int NO_PENDING = -2;

  private final InputStream in;
  private final Function<String, BackupKey> keys;
  private ChunkedEncryption.Header header;
  private BackupKey key;
  private Cipher cipher;
  private byte[] aad;
  private byte[] sealed;
  private byte[] plain;
  private int pos;
  private int limit;
  private long counter;
  private long offset;
  private int pending = NO_PENDING;
  private boolean finished;
  private boolean closed;
  // a reader that ignores an error and reads on must keep getting it, never the bytes after the bad chunk
  private IOException failure;

  DecryptingInputStream(InputStream in, Function<String, BackupKey> keys) {
    this.in = in;
    this.keys = keys;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("decrypting stream is closed");
    }
    if (failure != null) {
      throw failure;
    }
    if (len == 0) {
      return 0;
    }
    try {
      while (pos == limit) {
        if (finished) {
          return -1;
        }
        nextChunk();
      }
    } catch (IOException e) {
      failure = e;
      throw e;
    }
    int n = Math.min(len, limit - pos);
    System.arraycopy(plain, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public int available() {
    return limit - pos;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (plain != null) {
      Arrays.fill(plain, (byte) 0);
    }
    in.close();
  }

  private void open() throws IOException {
    header = ChunkedEncryption.Header.read(in);
    offset = header.bytes().length;
    String keyId = header.keyId();
    BackupKey found = keys.apply(keyId);
    if (found == null || !keyId.equals(found.keyId())) {
      List<String> configured = ChunkedEncryption.configuredIds(keys);
      String which = configured == null ? "no configured key has that id"
          : configured.isEmpty() ? "no backup key is configured"
          : "the configured key is " + String.join(", ", configured);
      throw new BackupFormatException(BackupFormatException.WRONG_KEY,
          "backup file was encrypted with key " + ChunkedEncryption.printable(keyId) + " but " + which
              + ": configure the key it was made with to read it");
    }
    key = found;
    aad = header.aadBuffer();
    sealed = new byte[header.chunkSize() + ChunkedEncryption.TAG_BYTES];
    plain = new byte[header.chunkSize()];
    try {
      cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM/NoPadding is missing from this JDK", e);
    }
  }

  private void nextChunk() throws IOException {
    if (header == null) {
      open();
    }
    long start = offset;
    byte[] lengthBytes = new byte[4];
    int got = readAhead(lengthBytes);
    if (got == 0) {
      throw new BackupFormatException(BackupFormatException.TRUNCATED, counter == 0
          ? "backup file ends right after its header, before any chunk"
          : "backup file ends after chunk " + (counter - 1) + " without its final chunk");
    }
    if (got < 4) {
      throw truncatedInside(start);
    }
    int length = ByteBuffer.wrap(lengthBytes).getInt();
    if (length < ChunkedEncryption.TAG_BYTES || length > sealed.length) {
      throw new BackupFormatException(BackupFormatException.TAMPERED, "backup file chunk " + counter
          + " (byte offset " + start + ") declares an impossible length of " + Integer.toUnsignedString(length)
          + " bytes: the file was modified or corrupted");
    }
    if (in.readNBytes(sealed, 0, length) < length) {
      throw truncatedInside(start);
    }
    if (counter >= ChunkedEncryption.MAX_CHUNKS) {
      throw new BackupFormatException(BackupFormatException.TAMPERED, "backup file has more chunks than the format allows");
    }
    pending = in.read();
    boolean atEnd = pending < 0;
    if (atEnd) {
      pending = NO_PENDING;
    }
    try {
      limit = openChunk(length, atEnd);
    } catch (AEADBadTagException expected) {
      throw diagnose(length, atEnd, start);
    }
    pos = 0;
    finished = atEnd;
    counter++;
    offset = start + 4 + length;
  }

  /** Says why a chunk did not authenticate in its expected position: retrying with the other final flag tells. */
  private BackupFormatException diagnose(int length, boolean atEnd, long start) throws IOException {
    try {
      openChunk(length, !atEnd);
      Arrays.fill(plain, (byte) 0);
      return atEnd
          ? new BackupFormatException(BackupFormatException.TRUNCATED,
              "backup file ends after chunk " + counter + " without its final chunk")
          : new BackupFormatException(BackupFormatException.TAMPERED,
              "backup file has data after its final chunk " + counter + ": the file was modified");
    } catch (AEADBadTagException stillBad) {
      return new BackupFormatException(BackupFormatException.TAMPERED, "backup file chunk " + counter
          + " (byte offset " + start + ") failed authentication: the file was modified, reordered or corrupted");
    }
  }

  private int openChunk(int length, boolean last) throws IOException, AEADBadTagException {
    try {
      cipher.init(Cipher.DECRYPT_MODE, key.key(),
          new GCMParameterSpec(ChunkedEncryption.TAG_BYTES * 8, ChunkedEncryption.nonce(header.noncePrefix(), counter)));
      aad[aad.length - 1] = (byte) (last ? 1 : 0);
      cipher.updateAAD(aad);
      return cipher.doFinal(sealed, 0, length, plain, 0);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IOException("decrypting backup chunk " + counter + " failed", e);
    }
  }

  /** Fills {@code buffer} from the look-ahead byte and the stream; returns how many bytes it got. */
  private int readAhead(byte[] buffer) throws IOException {
    int n = 0;
    if (pending != NO_PENDING) {
      buffer[n++] = (byte) pending;
      pending = NO_PENDING;
    }
    return n + in.readNBytes(buffer, n, buffer.length - n);
  }

  private BackupFormatException truncatedInside(long start) {
    return new BackupFormatException(BackupFormatException.TRUNCATED,
        "backup file ends inside chunk " + counter + " (byte offset " + start + ")");
  }
}
