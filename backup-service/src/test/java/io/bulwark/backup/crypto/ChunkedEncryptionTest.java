package io.bulwark.backup.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ChunkedEncryptionTest {
  private static final int CHUNK = 1024;
  private static final BackupKey KEY = BackupKey.generate();
  // "BWBK", version, id length, "k-" + 16 hex, chunk size, nonce prefix
  private static final int HEADER = 4 + 1 + 1 + 18 + 4 + 8;
  private static final int SEALED_CHUNK = 4 + CHUNK + 16;

  @Test
  void roundTripsEdgeSizes() throws IOException {
    for (int size : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17}) {
      byte[] data = random(size, size);
      byte[] file = encrypt(data, CHUNK);
      int chunks = Math.max(1, (size + CHUNK - 1) / CHUNK);
      assertEquals(HEADER + chunks * 20L + size, file.length, "layout for " + size + " bytes");
      assertArrayEquals(data, decrypt(file, ChunkedEncryption.keyRing(KEY)), "size " + size);
    }
  }

  @Test
  void roundTripsFiveMegabytesWithTheDefaultChunk() throws IOException {
    byte[] data = random(5_000_017, 5);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = ChunkedEncryption.encrypt(sink, KEY)) {
      for (int off = 0; off < data.length; off += 65_537) {
        out.write(data, off, Math.min(65_537, data.length - off));
      }
    }
    assertEquals(ChunkedEncryption.DEFAULT_CHUNK, 1 << 20);
    try (InputStream in = ChunkedEncryption.decrypt(new ByteArrayInputStream(sink.toByteArray()), KEY)) {
      assertArrayEquals(data, in.readAllBytes());
    }
  }

  @Test
  void seededRandomSizesAndChunkSizesRoundTrip() throws IOException {
    Random random = new Random(20261123);
    for (int i = 0; i < 150; i++) {
      int chunk = 1 + random.nextInt(i % 3 == 0 ? 16 : 4096);
      byte[] data = random(random.nextInt(20_000), random.nextLong());
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      try (OutputStream out = ChunkedEncryption.encrypt(sink, KEY, chunk)) {
        int off = 0;
        while (off < data.length) {
          int n = Math.min(data.length - off, random.nextInt(3 * chunk + 2));
          if (n == 1 && random.nextBoolean()) {
            out.write(data[off]);
          } else {
            out.write(data, off, n);
          }
          off += n;
        }
      }
      ByteArrayOutputStream plain = new ByteArrayOutputStream();
      try (InputStream in = ChunkedEncryption.decrypt(new ByteArrayInputStream(sink.toByteArray()), KEY)) {
        byte[] buffer = new byte[1 + random.nextInt(5000)];
        for (int n; (n = in.read(buffer, 0, 1 + random.nextInt(buffer.length))) >= 0; ) {
          plain.write(buffer, 0, n);
        }
      }
      assertArrayEquals(data, plain.toByteArray(), "case " + i + " chunk " + chunk + " size " + data.length);
    }
  }

  @Test
  void ciphertextHidesThePlaintextAndDiffersEachTime() throws IOException {
    byte[] data = "INSERT INTO audit.entries VALUES ('secret');".repeat(100).getBytes();
    byte[] one = encrypt(data, CHUNK);
    byte[] two = encrypt(data, CHUNK);
    assertFalse(Arrays.equals(one, two), "a fresh nonce prefix per file");
    assertFalse(new String(one, java.nio.charset.StandardCharsets.ISO_8859_1).contains("secret"));
  }

  @Test
  void bothDirectionsStreamWithinAboutTwoChunks() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream out = ChunkedEncryption.encrypt(sink, KEY, CHUNK);
    out.write(new byte[3 * CHUNK + 1]);
    assertEquals(HEADER + 3L * SEALED_CHUNK, sink.size(), "full chunks leave as soon as the next byte arrives");
    out.close();

    long[] consumed = {0};
    InputStream counting = new FilterInputStream(new ByteArrayInputStream(encrypt(new byte[20 * CHUNK], CHUNK))) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        consumed[0] += b < 0 ? 0 : 1;
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        consumed[0] += Math.max(n, 0);
        return n;
      }
    };
    try (InputStream in = ChunkedEncryption.decrypt(counting, KEY)) {
      in.read();
      assertTrue(consumed[0] <= HEADER + 2L * SEALED_CHUNK, "read " + consumed[0] + " bytes for the first byte");
    }
  }

  @Test
  void headerEditsAreDetected() throws IOException {
    byte[] file = encrypt(random(3 * CHUNK + 5, 1), CHUNK);
    assertReason(BackupFormatException.NOT_ENCRYPTED, flip(file, 0));
    assertReason(BackupFormatException.UNSUPPORTED_FORMAT, flip(file, 4));
    assertReason(BackupFormatException.WRONG_KEY, flip(file, 10), "a damaged key id names no configured key");
    assertReason(BackupFormatException.TAMPERED, flip(file, HEADER - 9), "chunk size");
    byte[] hugeChunk = file.clone();
    hugeChunk[HEADER - 12] = (byte) 0x80;
    assertReason(BackupFormatException.UNSUPPORTED_FORMAT, hugeChunk, "chunk size out of range");
    assertReason(BackupFormatException.TAMPERED, flip(file, HEADER - 12), "chunk size still in range");
    assertReason(BackupFormatException.TAMPERED, flip(file, HEADER - 8), "nonce prefix, first byte");
    assertReason(BackupFormatException.TAMPERED, flip(file, HEADER - 1), "nonce prefix, last byte");
  }

  @Test
  void chunkEditsAreDetectedBeforeTheirDataIsHandedOut() throws IOException {
    byte[] data = random(3 * CHUNK + 5, 2);
    byte[] file = encrypt(data, CHUNK);
    BackupFormatException first = assertReason(BackupFormatException.TAMPERED, flip(file, HEADER + 4 + 10), "chunk 0");
    assertTrue(first.getMessage().contains("chunk 0"), first.getMessage());
    BackupFormatException middle = assertReason(BackupFormatException.TAMPERED,
        flip(file, HEADER + SEALED_CHUNK + 4 + 500), "middle chunk");
    assertTrue(middle.getMessage().contains("chunk 1"), middle.getMessage());
    assertReason(BackupFormatException.TAMPERED, flip(file, HEADER + 2 * SEALED_CHUNK - 1), "tag of chunk 1");
    assertReason(BackupFormatException.TAMPERED, flip(file, file.length - 1), "tag of the final chunk");
    assertReason(BackupFormatException.TAMPERED, flip(file, HEADER + SEALED_CHUNK), "length field");

    try (InputStream in = ChunkedEncryption.decrypt(new ByteArrayInputStream(flip(file, HEADER + SEALED_CHUNK + 8)), KEY)) {
      assertArrayEquals(Arrays.copyOf(data, CHUNK), in.readNBytes(CHUNK), "chunk 0 authenticated and is handed out");
      BackupFormatException e = assertThrows(BackupFormatException.class, in::read, "no byte of chunk 1 before its tag");
      assertSame(e, assertThrows(BackupFormatException.class, in::read), "the failure sticks");
    }
  }

  @Test
  void reorderedChunksAndTrailingDataAreTampering() throws IOException {
    byte[] file = encrypt(random(3 * CHUNK + 5, 3), CHUNK);
    byte[] swapped = file.clone();
    System.arraycopy(file, HEADER + SEALED_CHUNK, swapped, HEADER, SEALED_CHUNK);
    System.arraycopy(file, HEADER, swapped, HEADER + SEALED_CHUNK, SEALED_CHUNK);
    assertReason(BackupFormatException.TAMPERED, swapped, "chunks 0 and 1 swapped");

    byte[] appended = Arrays.copyOf(file, file.length + 3);
    BackupFormatException e = assertReason(BackupFormatException.TAMPERED, appended, "bytes after the final chunk");
    assertTrue(e.getMessage().contains("after its final chunk"), e.getMessage());
    byte[] doubled = Arrays.copyOf(file, file.length + 4 + 5 + 16);
    System.arraycopy(file, file.length - 25, doubled, file.length, 25);
    assertReason(BackupFormatException.TAMPERED, doubled, "the final chunk repeated");
  }

  @Test
  void truncationIsReportedWhereverTheFileEnds() throws IOException {
    byte[] file = encrypt(random(3 * CHUNK + 5, 4), CHUNK);
    int finalChunk = HEADER + 3 * SEALED_CHUNK;
    int[] cuts = {0, 2, 4, 5, 12, HEADER - 1, HEADER, HEADER + 2, HEADER + 100, HEADER + SEALED_CHUNK,
        HEADER + 2 * SEALED_CHUNK + 3, finalChunk, finalChunk + 1, finalChunk + 4, file.length - 1};
    for (int cut : cuts) {
      BackupFormatException e = assertReason(BackupFormatException.TRUNCATED, Arrays.copyOf(file, cut), "cut at " + cut);
      if (cut == finalChunk) {
        assertTrue(e.getMessage().contains("without its final chunk"), e.getMessage());
      }
    }
    // an exact multiple of the chunk size ends on a full final chunk; empty input on an empty one
    byte[] exact = encrypt(random(2 * CHUNK, 5), CHUNK);
    assertEquals(HEADER + 2 * SEALED_CHUNK, exact.length);
    assertReason(BackupFormatException.TRUNCATED, Arrays.copyOf(exact, HEADER + SEALED_CHUNK), "full final chunk dropped");
    byte[] empty = encrypt(new byte[0], CHUNK);
    assertEquals(HEADER + 20, empty.length);
    assertReason(BackupFormatException.TRUNCATED, Arrays.copyOf(empty, HEADER), "empty final chunk dropped");
  }

  @Test
  void anUnknownKeyIsNamedAndNoKeyMaterialIsPrinted() throws IOException {
    byte[] file = encrypt(random(100, 6), CHUNK);
    BackupKey other = BackupKey.generate();
    BackupFormatException e = assertThrows(BackupFormatException.class,
        () -> decrypt(file, ChunkedEncryption.keyRing(other)));
    assertEquals(BackupFormatException.WRONG_KEY, e.reason());
    assertTrue(e.getMessage().contains(KEY.keyId()) && e.getMessage().contains(other.keyId()), e.getMessage());
    assertFalse(e.getMessage().contains(KEY.encoded().substring(0, 8)), e.getMessage());
    assertFalse(e.getMessage().contains(other.encoded().substring(0, 8)), e.getMessage());

    Function<String, BackupKey> lying = id -> other;
    assertEquals(BackupFormatException.WRONG_KEY,
        assertThrows(BackupFormatException.class, () -> decrypt(file, lying)).reason());
    assertEquals(BackupFormatException.WRONG_KEY,
        assertThrows(BackupFormatException.class, () -> decrypt(file, ChunkedEncryption.keyRing())).reason());
    assertArrayEquals(random(100, 6), decrypt(file, ChunkedEncryption.keyRing(other, KEY)));
  }

  @Test
  void keyIdOfReadsOnlyTheHeader() throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(encrypt(random(5000, 7), CHUNK));
    assertEquals(KEY.keyId(), ChunkedEncryption.keyIdOf(in));
    assertEquals(5000 + 5 * 20, in.available(), "the chunks are left unread");
    BackupFormatException e = assertThrows(BackupFormatException.class,
        () -> ChunkedEncryption.keyIdOf(new ByteArrayInputStream("PGDMP\u0001\u000e".getBytes())));
    assertEquals(BackupFormatException.NOT_ENCRYPTED, e.reason());
  }

  @Test
  void writerRefusesBadChunkSizesAndUseAfterClose() throws IOException {
    assertThrows(IllegalArgumentException.class, () -> ChunkedEncryption.encrypt(OutputStream.nullOutputStream(), KEY, 0));
    assertThrows(IllegalArgumentException.class,
        () -> ChunkedEncryption.encrypt(OutputStream.nullOutputStream(), KEY, ChunkedEncryption.MAX_CHUNK + 1));
    boolean[] closed = {false};
    OutputStream target = new ByteArrayOutputStream() {
      @Override
      public void close() {
        closed[0] = true;
      }
    };
    OutputStream out = ChunkedEncryption.encrypt(target, KEY, CHUNK);
    out.write(1);
    out.close();
    out.close();
    assertTrue(closed[0], "close() closes the underlying stream");
    assertThrows(IOException.class, () -> out.write(2));
  }

  @Test
  void aWriterThatFailedMidwayLeavesNoFinalChunk() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream failing = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (sink.size() > HEADER + SEALED_CHUNK) {
          throw new IOException("disk full");
        }
        sink.write(b, off, len);
      }
    };
    OutputStream out = ChunkedEncryption.encrypt(failing, KEY, CHUNK);
    assertThrows(IOException.class, () -> {
      for (int i = 0; i < 10; i++) {
        out.write(new byte[CHUNK]);
      }
    });
    sink.reset();
    out.close();
    assertEquals(0, sink.size(), "no final chunk is sealed after a failed write");
  }

  private static BackupFormatException assertReason(String reason, byte[] file) {
    return assertReason(reason, file, "");
  }

  private static BackupFormatException assertReason(String reason, byte[] file, String what) {
    BackupFormatException e = assertThrows(BackupFormatException.class,
        () -> decrypt(file, ChunkedEncryption.keyRing(KEY)), what);
    assertEquals(reason, e.reason(), what + ": " + e.getMessage());
    return e;
  }

  private static byte[] encrypt(byte[] data, int chunk) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = ChunkedEncryption.encrypt(sink, KEY, chunk)) {
      out.write(data);
    }
    return sink.toByteArray();
  }

  private static byte[] decrypt(byte[] file, Function<String, BackupKey> keys) throws IOException {
    try (InputStream in = ChunkedEncryption.decrypt(new ByteArrayInputStream(file), keys)) {
      return in.readAllBytes();
    }
  }

  private static byte[] flip(byte[] file, int index) {
    byte[] copy = file.clone();
    copy[index] ^= 0x01;
    return copy;
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
