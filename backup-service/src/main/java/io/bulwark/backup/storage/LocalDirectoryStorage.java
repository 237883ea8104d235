package io.bulwark.backup.storage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backup storage in one local directory. Uploads are written to {@code .partial-<name>} beside their target, fsynced,
 * renamed atomically into place and the directory fsynced, so a committed name always holds a complete file. On POSIX
 * file systems the directory it creates is owner-only ({@code rwx------}) and every file {@code rw-------}: backups
 * hold the whole database.
 */
public final class LocalDirectoryStorage implements BackupStorage {
  /** Longest accepted file name. */
  public static final int MAX_NAME = 200;

  static final String PARTIAL_PREFIX = ".partial-";
  static final String PROBE_PREFIX = ".probe-";

  private static final Logger LOG = LoggerFactory.getLogger(LocalDirectoryStorage.class);
  private static final int BUFFER = 64 * 1024;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final boolean posix;

  /**
   * Uses {@code dir}, creating it and its parents (owner-only on POSIX) when missing.
   *
   * @throws UncheckedIOException when the directory cannot be created or is not a directory
   */
  public LocalDirectoryStorage(Path dir) {
    this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
    try {
      this.posix = Files.getFileStore(existingAncestor(this.dir)).supportsFileAttributeView("posix");
      if (!Files.isDirectory(this.dir)) {
        if (posix) {
          Files.createDirectories(this.dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
          Files.createDirectories(this.dir);
        }
      }
      warnIfOpenToOthers();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use backup directory " + this.dir + ": " + e.getMessage(), e);
    }
  }

  /** The directory, absolute. */
  public Path dir() {
    return dir;
  }

  @Override
  public String describe() {
    return "local:" + dir;
  }

  @Override
  public Upload create(String name) throws IOException {
    Path target = resolve(name);
    Path partial = dir.resolve(PARTIAL_PREFIX + name);
    // a partial left by a crashed upload of the same name is garbage; a fresh file gets fresh permissions
    Files.deleteIfExists(partial);
    FileChannel channel = newFile(partial);
    return new LocalUpload(target, partial, channel);
  }

  @Override
  public InputStream open(String name) throws IOException {
    return Files.newInputStream(resolve(name));
  }

  @Override
  public boolean exists(String name) {
    return Files.isRegularFile(resolve(name), LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public long size(String name) throws IOException {
    return Files.size(resolve(name));
  }

  @Override
  public void delete(String name) throws IOException {
    Files.deleteIfExists(resolve(name));
  }

  @Override
  public List<String> list() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .map(p -> p.getFileName().toString())
          .filter(LocalDirectoryStorage::isValidName)
          .sorted()
          .collect(Collectors.toUnmodifiableList());
    }
  }

  @Override
  public Space space() throws IOException {
    FileStore store = Files.getFileStore(dir);
    return new Space(store.getUsableSpace(), store.getTotalSpace());
  }

  @Override
  public void probeWritable() throws IOException {
    Path probe = dir.resolve(PROBE_PREFIX + HexFormat.of().formatHex(randomBytes(6)));
    try (FileChannel channel = newFile(probe)) {
      channel.write(ByteBuffer.wrap("bulwark backup storage probe\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
      channel.force(true);
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  @Override
  public int removePartials() throws IOException {
    List<Path> leftovers;
    try (Stream<Path> files = Files.list(dir)) {
      leftovers = files.filter(p -> {
        String name = p.getFileName().toString();
        return name.startsWith(PARTIAL_PREFIX) || name.startsWith(PROBE_PREFIX);
      }).collect(Collectors.toList());
    }
    int removed = 0;
    for (Path leftover : leftovers) {
      if (Files.deleteIfExists(leftover)) {
        removed++;
        LOG.info("Removed {} left by an interrupted backup upload", leftover.getFileName());
      }
    }
    return removed;
  }

  /** Whether {@code name} is acceptable as a backup file name (see {@link #checkName}). */
  public static boolean isValidName(String name) {
    return reasonInvalid(name) == null;
  }

  /**
   * Refuses anything but a plain file name: empty, longer than {@value #MAX_NAME} characters, starting with a dot (the
   * prefix of partial and probe files, and of hidden files), containing {@code /}, {@code \}, {@code ..} or control
   * characters.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static String checkName(String name) {
    String reason = reasonInvalid(name);
    if (reason != null) {
      throw new IllegalArgumentException("invalid backup file name: " + reason);
    }
    return name;
  }

  private static String reasonInvalid(String name) {
    if (name == null || name.isEmpty()) {
      return "it is empty";
    }
    if (name.length() > MAX_NAME) {
      return "it is longer than " + MAX_NAME + " characters";
    }
    if (name.startsWith(".")) {
      return "'" + name + "' starts with a dot";
    }
    if (name.contains("/") || name.contains("\\") || name.contains("..")) {
      return "'" + name + "' is not a plain file name";
    }
    if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return "it contains control characters";
    }
    return null;
  }

  private Path resolve(String name) {
    return dir.resolve(checkName(name));
  }

  private FileChannel newFile(Path path) throws IOException {
    Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    if (posix) {
      FileAttribute<Set<PosixFilePermission>> ownerOnly =
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
      return FileChannel.open(path, options, ownerOnly);
    }
    return FileChannel.open(path, options);
  }

  private void syncDirectory() throws IOException {
    // the rename is durable only once the directory entry is on disk
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private void warnIfOpenToOthers() throws IOException {
    if (posix) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
      if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
        LOG.warn("Backup directory {} is readable by other users ({}); backups hold the whole database",
            dir, PosixFilePermissions.toString(perms));
      }
    }
  }

  private static Path existingAncestor(Path path) {
    Path p = path;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p == null ? path.getRoot() : p;
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  /** An upload into {@code .partial-<name>}, renamed into place on commit. */
  private final class LocalUpload implements Upload {
    private final Path target;
    private final Path partial;
    private final FileChannel channel;
    private final OutputStream buffered;
    private final OutputStream stream;
    private boolean committed;
    private boolean done;

    LocalUpload(Path target, Path partial, FileChannel channel) {
      this.target = target;
      this.partial = partial;
      this.channel = channel;
      this.buffered = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER);
      this.stream = new OutputStream() {
        private boolean closed;

        @Override
        public void write(int b) throws IOException {
          ensureWritable(closed);
          buffered.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          ensureWritable(closed);
          buffered.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
          ensureWritable(closed);
          buffered.flush();
        }

        @Override
        public void close() throws IOException {
          // only flushes: the file is kept open for commit(), and closing must never publish it
          if (!closed && !done) {
            buffered.flush();
          }
          closed = true;
        }
      };
    }

    @Override
    public OutputStream stream() {
      return stream;
    }

    @Override
    public void commit() throws IOException {
      if (done) {
        throw new IllegalStateException(committed ? "upload already committed" : "upload was aborted");
      }
      done = true;
      try {
        buffered.flush();
        channel.force(true);
        channel.close();
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
        syncDirectory();
      } finally {
        if (!committed) {
          discard();
        }
      }
    }

    @Override
    public void abort() {
      if (done) {
        return;
      }
      done = true;
      discard();
    }

    @Override
    public void close() {
      abort();
    }

    private void ensureWritable(boolean streamClosed) throws IOException {
      if (streamClosed || done) {
        throw new IOException("upload of " + target.getFileName() + " is " + (done ? "finished" : "closed"));
      }
    }

    private void discard() {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("Closing {} failed", partial, e);
      }
      try {
        Files.deleteIfExists(partial);
      } catch (IOException e) {
        LOG.warn("Could not delete {}; removePartials() will at the next start", partial, e);
      }
    }
  }
}
