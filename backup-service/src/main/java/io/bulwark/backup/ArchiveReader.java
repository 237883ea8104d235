package io.bulwark.backup;

import io.bulwark.backup.crypto.BackupFormatException;
import io.bulwark.backup.crypto.BackupKey;
import io.bulwark.backup.crypto.ChunkedEncryption;
import io.bulwark.backup.pg.ChildProcess;
import io.bulwark.backup.storage.BackupStorage;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Feeds a stored backup to pg_restore in one pass: the stored bytes are hashed as they are read, decrypted chunk by
 * chunk (no chunk's plaintext is handed on before it authenticated), and piped into pg_restore's stdin. The verdict
 * names the first thing that is wrong, in the order an operator would want to know it: the file changed or was cut
 * short, it cannot be decrypted, or PostgreSQL could not restore it. Blocking: runs on a worker thread.
 */
final class ArchiveReader {
  /** What the pass measured. */
  record Pass(long storedBytes, String sha256, long dumpBytes, Duration elapsed, String restoreStderr) {}

  private ArchiveReader() {}

  static Pass restore(BackupStorage storage, String fileName, long expectedBytes, String expectedSha256, String keyId,
                      Function<String, BackupKey> keys, List<String> command, Map<String, String> env, Duration timeout)
      throws BackupFailure, InterruptedException {
    long size;
    try {
      size = storage.size(fileName);
    } catch (NoSuchFileException e) {
      throw new BackupFailure("missing-file", "the backup file " + fileName + " is not in " + storage.describe());
    } catch (IOException e) {
      throw new BackupFailure("storage-failed", "could not read " + storage.describe() + ": " + e.getMessage());
    }
    if (size < expectedBytes) {
      throw new BackupFailure("truncated", "the backup file has " + size + " bytes; the manifest says " + expectedBytes
          + " (it was cut short)");
    }
    if (size != expectedBytes) {
      throw new BackupFailure("checksum-mismatch", "the backup file has " + size + " bytes; the manifest says " + expectedBytes);
    }
    MessageDigest sha = DumpPipeline.sha256();
    ChildProcess.Result result = null;
    Recording fed = null;
    try (InputStream file = storage.open(fileName)) {
      DigestInputStream stored = new DigestInputStream(file, sha);
      // decryption reads its header on the first read: every format problem arrives as a read failure of fed
      InputStream plain = keyId == null ? stored : ChunkedEncryption.decrypt(new NotClosing(stored), keys);
      fed = new Recording(plain);
      result = ChildProcess.run(new ChildProcess.Spec(command, env, new NotClosing(fed), null, timeout));
      // read what pg_restore left: the remaining chunks (and the final one) must still authenticate
      if (fed.failure == null) {
        drain(fed);
      }
      // and hash the rest of the file, so the checksum verdict covers all of it whatever happened above
      drain(stored);
    } catch (NoSuchFileException e) {
      throw new BackupFailure("missing-file", "the backup file " + fileName + " is not in " + storage.describe());
    } catch (IOException e) {
      if (fed == null || fed.failure == null) {
        throw new BackupFailure("storage-failed", "could not read " + fileName + " from " + storage.describe() + ": " + e.getMessage());
      }
    }
    String actual = HexFormat.of().formatHex(sha.digest());
    if (!actual.equals(expectedSha256)) {
      throw new BackupFailure("checksum-mismatch", "the backup file's SHA-256 is " + actual + "; the manifest says "
          + expectedSha256 + " (the file changed after it was written)");
    }
    if (fed.failure instanceof BackupFormatException f) {
      throw new BackupFailure(f.reason(), f.getMessage());
    }
    if (fed.failure != null) {
      throw new BackupFailure("storage-failed", "reading the backup failed: " + fed.failure.getMessage());
    }
    if (result.timedOut()) {
      throw new BackupFailure("timeout", "pg_restore did not finish within " + timeout + " and was killed");
    }
    if (result.exitCode() != 0) {
      throw new BackupFailure("pg_restore-failed", "pg_restore exited with " + result.exitCode() + ": "
          + DumpPipeline.tail(result.stderrTail()));
    }
    return new Pass(size, actual, fed.count, result.elapsed(), DumpPipeline.tail(result.stderrTail()));
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buf = new byte[1 << 16];
    while (in.read(buf) >= 0) {
      // reading is the point: hashing below, authentication above
    }
  }

  /** Keeps the first read failure (the decryptor's verdict) so it is reported instead of pg_restore's reaction to it. */
  static final class Recording extends FilterInputStream {
    IOException failure;
    long count;

    Recording(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        int n = in.read(b, off, len);
        if (n > 0) {
          count += n;
        }
        return n;
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        }
        throw e;
      }
    }
  }

  /** The hashing stream underneath must stay readable after the decryptor is done with it. */
  static final class NotClosing extends FilterInputStream {
    NotClosing(InputStream in) {
      super(in);
    }

    @Override
    public void close() {
      // the owner closes the file
    }
  }
}
