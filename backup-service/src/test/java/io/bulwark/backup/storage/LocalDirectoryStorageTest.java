package io.bulwark.backup.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.backup.crypto.BackupKey;
import io.bulwark.backup.crypto.ChunkedEncryption;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirectoryStorageTest {
  @TempDir Path tmp;

  @Test
  void anUploadIsInvisibleUntilCommitted() throws IOException {
    LocalDirectoryStorage storage = new LocalDirectoryStorage(tmp.resolve("nested/backups"));
    try (BackupStorage.Upload upload = storage.create("b-1.dump")) {
      upload.stream().write("hello".getBytes(StandardCharsets.UTF_8));
      upload.stream().close();
      assertFalse(storage.exists("b-1.dump"));
      assertEquals(List.of(), storage.list());
      assertTrue(Files.exists(storage.dir().resolve(".partial-b-1.dump")));
      assertThrows(NoSuchFileException.class, () -> storage.open("b-1.dump"));
      upload.commit();
    }
    assertTrue(storage.exists("b-1.dump"));
    assertEquals(List.of("b-1.dump"), storage.list());
    assertEquals(5, storage.size("b-1.dump"));
    try (InputStream in = storage.open("b-1.dump")) {
      assertEquals("hello", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertEquals(List.of("b-1.dump"), filesIn(storage.dir()), "no partial left behind");
  }

  @Test
  void directoryAndFilesAreOwnerOnly() throws IOException {
    LocalDirectoryStorage storage = new LocalDirectoryStorage(tmp.resolve("private"));
    write(storage, "a", "x");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(storage.dir())));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(storage.dir().resolve("a"))));
  }

  @Test
  void abortAndCloseWithoutCommitLeaveNothing() throws IOException {
    LocalDirectoryStorage storage = new LocalDirectoryStorage(tmp);
    BackupStorage.Upload aborted = storage.create("a");
    aborted.stream().write(new byte[100_000]);
    aborted.abort();
    aborted.abort();
    assertThrows(IOException.class, () -> aborted.stream().write(1));
    assertThrows(IllegalStateException.class, aborted::commit);
    try (BackupStorage.Upload upload = storage.create("b")) {
      upload.stream().write(new byte[10]);
    }
    assertEquals(List.of(), filesIn(tmp));
  }

  @Test
  void commitWorksAfterAWrappingStreamClosedTheUploadStream() throws IOException {
    LocalDirectoryStorage storage = new LocalDirectoryStorage(tmp);
    BackupKey key = BackupKey.generate();
    byte[] data = new byte[300_000];
    new java.util.Random(1).nextBytes(data);
    try (BackupStorage.Upload upload = storage.create("b.dump.enc")) {
      try (OutputStream out = ChunkedEncryption.encrypt(upload.stream(), key, 4096)) {
        out.write(data);
      }
      upload.commit();
      assertThrows(IllegalStateException.class, upload::commit);
    }
    try (InputStream in = ChunkedEncryption.decrypt(storage.open("b.dump.enc"), key)) {
      assertArrayEquals(data, in.readAllBytes());
    }
  }

  @Test
  void commitReplacesAnEarlierFileOfTheSameName() throws IOException {
    LocalDirectoryStorage storage = new LocalDirectoryStorage(tmp);
    write(storage, "m.json", "old");
    write(storage, "m.json", "newer");
    assertEquals(5, storage.size("m.json"));
  }

  @Test
  void removePartialsDeletesOnlyLeftovers() throws IOException {
    LocalDirectoryStorage storage = new LocalDirectoryStorage(tmp);
    write(storage, "kept", "1");
    Files.writeString(tmp.resolve(".partial-crashed"), "half");
    Files.writeString(tmp.resolve(".probe-0a1b2c"), "probe");
    BackupStorage.Upload unfinished = storage.create("unfinished");
    unfinished.stream().write(1);
    unfinished.stream().flush();
    assertEquals(3, storage.removePartials());
    assertEquals(List.of("kept"), filesIn(tmp));
    assertEquals(0, storage.removePartials());
    unfinished.close();
  }

  @Test
  void listIsSortedAndHoldsOnlyCommittedPlainFiles() throws IOException {
    LocalDirectoryStorage storage = new LocalDirectoryStorage(tmp);
    for (String name : new String[] {"b-20261123T021500Z-3f9a.dump", "a.manifest.json", "b-20251123T021500Z-0000.dump", "Z"}) {
      write(storage, name, name);
    }
    Files.createDirectory(tmp.resolve("subdir"));
    Files.writeString(tmp.resolve(".hidden"), "x");
    try (BackupStorage.Upload inProgress = storage.create("in-progress")) {
      inProgress.stream().write(1);
      assertEquals(List.of("Z", "a.manifest.json", "b-20251123T021500Z-0000.dump", "b-20261123T021500Z-3f9a.dump"),
          storage.list());
    }
  }

  @Test
  void deleteIsIdempotentAndMissingFilesAreNoSuchFile() throws IOException {
    LocalDirectoryStorage storage = new LocalDirectoryStorage(tmp);
    write(storage, "x", "1");
    storage.delete("x");
    storage.delete("x");
    assertFalse(storage.exists("x"));
    assertThrows(NoSuchFileException.class, () -> storage.open("x"));
    assertThrows(NoSuchFileException.class, () -> storage.size("x"));
  }

  @Test
  void spaceAndDescription() throws IOException {
    LocalDirectoryStorage storage = new LocalDirectoryStorage(tmp);
    BackupStorage.Space space = storage.space();
    assertTrue(space.freeBytes() > 0, space.toString());
    assertTrue(space.totalBytes() >= space.freeBytes(), space.toString());
    assertEquals("local:" + tmp.toAbsolutePath().normalize(), storage.describe());
  }

  @Test
  void probeWritableLeavesNothingAndFailsWhenTheDirectoryCannotBeWritten() throws IOException {
    Path dir = tmp.resolve("probe");
    LocalDirectoryStorage storage = new LocalDirectoryStorage(dir);
    storage.probeWritable();
    assertEquals(List.of(), filesIn(dir));
    if ("root".equals(System.getProperty("user.name"))) {
      // root writes through permission bits, so take the directory away: a regular file stands in its place
      Files.delete(dir);
      Files.writeString(dir, "not a directory");
      assertThrows(IOException.class, storage::probeWritable);
    } else {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-x------"));
      try {
        assertThrows(IOException.class, storage::probeWritable);
      } finally {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      }
    }
  }

  @Test
  void aDirectoryThatCannotBeCreatedIsRefusedAtOnce() throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    assertThrows(UncheckedIOException.class, () -> new LocalDirectoryStorage(file.resolve("backups")));
    assertThrows(UncheckedIOException.class, () -> new LocalDirectoryStorage(file));
  }

  @Test
  void namesMustBePlainFileNames() throws IOException {
    LocalDirectoryStorage storage = new LocalDirectoryStorage(tmp);
    String longest = "n".repeat(LocalDirectoryStorage.MAX_NAME);
    write(storage, longest, "ok");
    assertTrue(storage.exists(longest));
    for (String bad : new String[] {"", "a/b", "/etc/passwd", "a\\b", "..", "../x", "a..b", ".hidden", ".partial-x",
        "n".repeat(LocalDirectoryStorage.MAX_NAME + 1), "a\u0000b", "line\nbreak"}) {
      assertThrows(IllegalArgumentException.class, () -> storage.create(bad), bad);
      assertThrows(IllegalArgumentException.class, () -> storage.open(bad), bad);
      assertThrows(IllegalArgumentException.class, () -> storage.exists(bad), bad);
      assertThrows(IllegalArgumentException.class, () -> storage.delete(bad), bad);
      assertThrows(IllegalArgumentException.class, () -> storage.size(bad), bad);
      assertFalse(LocalDirectoryStorage.isValidName(bad), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> storage.create(null));
    assertEquals(List.of(longest), filesIn(tmp));
  }

  private static void write(BackupStorage storage, String name, String content) throws IOException {
    try (BackupStorage.Upload upload = storage.create(name)) {
      upload.stream().write(content.getBytes(StandardCharsets.UTF_8));
      upload.commit();
    }
  }

  private static List<String> filesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
