package io.bulwark.backup.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Where backup files live: a flat namespace of plain file names, written through uploads that become visible only when
 * committed, so a crash or failure mid-backup never leaves a half-written file under a real name. A local directory
 * implements it today; an S3-compatible bucket can later.
 */
public interface BackupStorage {

  /** Where the backups are, for status pages and logs, without secrets: {@code local:/var/lib/bulwark/backups}. */
  String describe();

  /** Starts writing {@code name}; nothing appears under that name until {@link Upload#commit()}. */
  Upload create(String name) throws IOException;

  /** Reads a committed file; {@link java.nio.file.NoSuchFileException} when there is none. */
  InputStream open(String name) throws IOException;

  /** Whether a committed file has this name. */
  boolean exists(String name);

  /** Size in bytes of a committed file; {@link java.nio.file.NoSuchFileException} when there is none. */
  long size(String name) throws IOException;

  /** Deletes a committed file; deleting one that is not there is not an error. */
  void delete(String name) throws IOException;

  /** Names of committed files, sorted; uploads in progress are never listed. */
  List<String> list() throws IOException;

  /** Free and total space where the backups are written. */
  Space space() throws IOException;

  /** Writes, syncs and deletes a small file, failing when backups could not be written now (for readiness). */
  void probeWritable() throws IOException;

  /**
   * Deletes what uploads left behind when the process died before commit or abort; returns how many files went. Call it
   * at start-up, before any upload begins: it would also remove the partial file of an upload in progress.
   */
  int removePartials() throws IOException;

  /** Free and total bytes of the storage. */
  record Space(long freeBytes, long totalBytes) {}

  /**
   * One file being written. Write to {@link #stream()}, then {@link #commit()}; {@link #abort()}, or {@link #close()}
   * without commit, discards it. Closing {@link #stream()} does not commit, so it may be wrapped by streams that close
   * what they wrap.
   */
  interface Upload extends AutoCloseable {
    /** Where to write the content. */
    OutputStream stream();

    /**
     * Makes the file durable and visible under its name, replacing any file of that name. When it throws, the upload
     * is discarded; only a failure of the very last step (syncing the directory) can leave the file visible.
     */
    void commit() throws IOException;

    /** Discards what was written; never throws, and does nothing after commit. */
    void abort();

    /** Discards the upload unless it was committed; use with try-with-resources. */
    @Override
    void close();
  }
}
