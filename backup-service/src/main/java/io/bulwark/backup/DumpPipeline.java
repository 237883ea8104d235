package io.bulwark.backup;

import io.bulwark.backup.crypto.BackupKey;
import io.bulwark.backup.crypto.ChunkedEncryption;
import io.bulwark.backup.pg.ChildProcess;
import io.bulwark.backup.storage.BackupStorage;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Streams pg_dump's output into storage: plaintext is counted and its first bytes checked for the custom-format magic,
 * then (with a key) encrypted in authenticated chunks, then hashed and counted as stored. Memory stays bounded by a few
 * buffers whatever the database size. The file only becomes visible when pg_dump exited 0 and produced a real archive:
 * a failed, killed or empty dump leaves nothing behind. Blocking: runs on a worker thread.
 */
final class DumpPipeline {
  /** What pg_dump's custom format starts with. */
  static final byte[] MAGIC = "PGDMP".getBytes(StandardCharsets.US_ASCII);

  record Written(String fileName, long storedBytes, String sha256, long dumpBytes, Duration elapsed) {}

  private DumpPipeline() {}

  static Written dump(BackupStorage storage, String fileName, List<String> command, Map<String, String> env, BackupKey key,
                      Duration timeout) throws BackupFailure, InterruptedException {
    try (BackupStorage.Upload upload = storage.create(fileName)) {
      MessageDigest sha = sha256();
      Counting stored = new Counting(new DigestOutputStream(new KeepOpen(upload.stream()), sha));
      OutputStream sealed = key == null ? stored : ChunkedEncryption.encrypt(stored, key);
      Counting plain = new Counting(sealed);
      ChildProcess.Result result;
      try {
        result = ChildProcess.run(new ChildProcess.Spec(command, env, null, plain, timeout));
      } catch (IOException e) {
        upload.abort();
        throw new BackupFailure("storage-failed", "writing the backup to " + storage.describe() + " failed: " + e.getMessage());
      }
      if (result.timedOut()) {
        upload.abort();
        throw new BackupFailure("timeout", "pg_dump did not finish within " + timeout + " and was killed");
      }
      if (result.exitCode() != 0) {
        upload.abort();
        throw new BackupFailure("pg_dump-failed", "pg_dump exited with " + result.exitCode() + ": " + tail(result.stderrTail()));
      }
      if (plain.count == 0) {
        upload.abort();
        throw new BackupFailure("empty-dump", "pg_dump exited 0 but wrote nothing");
      }
      if (!Arrays.equals(plain.head, MAGIC)) {
        upload.abort();
        throw new BackupFailure("not-a-dump", "pg_dump's output is not a custom-format archive");
      }
      try {
        plain.close(); // writes the final authenticated chunk; the storage stream itself stays open for commit
        upload.commit();
      } catch (IOException e) {
        upload.abort();
        throw new BackupFailure("storage-failed", "committing the backup to " + storage.describe() + " failed: " + e.getMessage());
      }
      return new Written(fileName, stored.count, HexFormat.of().formatHex(sha.digest()), plain.count, result.elapsed());
    } catch (IOException e) {
      throw new BackupFailure("storage-failed", "could not write to " + storage.describe() + ": " + e.getMessage());
    }
  }

  /** Writes small files (the manifest) in one go, visible only once complete. */
  static void writeSmall(BackupStorage storage, String name, byte[] bytes) throws IOException {
    try (BackupStorage.Upload upload = storage.create(name)) {
      upload.stream().write(bytes);
      upload.commit();
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The last lines of a tool's stderr, trimmed for an API answer. */
  static String tail(String stderr) {
    String t = stderr == null ? "" : stderr.strip();
    return t.length() <= 2000 ? t : "..." + t.substring(t.length() - 2000);
  }

  /** Counts what passes and keeps the first bytes for the format check. */
  static final class Counting extends FilterOutputStream {
    long count;
    byte[] head = new byte[0];

    Counting(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (head.length < MAGIC.length && len > 0) {
        int take = Math.min(MAGIC.length - head.length, len);
        byte[] h = Arrays.copyOf(head, head.length + take);
        System.arraycopy(b, off, h, head.length, take);
        head = h;
      }
      out.write(b, off, len);
      count += len;
    }
  }

  /** The storage stream is committed (fsynced, renamed) by its owner, so closing the layers above must not close it. */
  static final class KeepOpen extends FilterOutputStream {
    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
