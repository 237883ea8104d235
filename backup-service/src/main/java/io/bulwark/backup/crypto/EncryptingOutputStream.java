package io.bulwark.backup.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/** The writing side of {@link ChunkedEncryption}: buffers one chunk of plaintext and seals it when the next byte comes. */
final class EncryptingOutputStream extends OutputStream {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final OutputStream out;
  private final BackupKey key;
  private final ChunkedEncryption.Header header;
  private final byte[] aad;
  private final byte[] plain;
  private final byte[] sealed;
  private final Cipher cipher;
  private int filled;
  private long counter;
  private boolean headerWritten;
  private boolean closed;
  // after a failed write the output is incomplete: close() must not seal it into something that looks whole
  private boolean failed;

  EncryptingOutputStream(OutputStream out, BackupKey key, int chunkBytes) {
    this.out = out;
    this.key = key;
    byte[] prefix = new byte[ChunkedEncryption.NONCE_PREFIX_BYTES];
    RANDOM.nextBytes(prefix);
    this.header = ChunkedEncryption.Header.create(key.keyId(), chunkBytes, prefix);
    this.aad = header.aadBuffer();
    this.plain = new byte[chunkBytes];
    this.sealed = new byte[chunkBytes + ChunkedEncryption.TAG_BYTES];
    try {
      this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM/NoPadding is missing from this JDK", e);
    }
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureOpen();
    try {
      while (len > 0) {
        // a full buffer is sealed only once more data arrives: until then it may still be the final chunk
        if (filled == plain.length) {
          seal(false);
        }
        int n = Math.min(len, plain.length - filled);
        System.arraycopy(b, off, plain, filled, n);
        filled += n;
        off += n;
        len -= n;
      }
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  @Override
  public void flush() throws IOException {
    ensureOpen();
    // buffered plaintext stays: flushing a partial chunk would change the chunk layout
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (!failed) {
        seal(true);
        out.flush();
      }
    } finally {
      Arrays.fill(plain, (byte) 0);
      out.close();
    }
  }

  private void seal(boolean last) throws IOException {
    if (!headerWritten) {
      out.write(header.bytes());
      headerWritten = true;
    }
    if (counter >= ChunkedEncryption.MAX_CHUNKS) {
      throw new IOException("backup is too large for " + plain.length + "-byte chunks (2^32 chunks at most)");
    }
    int length;
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key.key(),
          new GCMParameterSpec(ChunkedEncryption.TAG_BYTES * 8, ChunkedEncryption.nonce(header.noncePrefix(), counter)));
      aad[aad.length - 1] = (byte) (last ? 1 : 0);
      cipher.updateAAD(aad);
      length = cipher.doFinal(plain, 0, filled, sealed, 0);
    } catch (GeneralSecurityException e) {
      throw new IOException("encrypting backup chunk " + counter + " failed", e);
    }
    out.write(ByteBuffer.allocate(4).putInt(length).array());
    out.write(sealed, 0, length);
    counter++;
    filled = 0;
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("encrypting stream is closed");
    }
  }
}
