package io.bulwark.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.backup.crypto.BackupKey;
import io.bulwark.backup.crypto.ChunkedEncryption;
import io.bulwark.backup.storage.LocalDirectoryStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One pass over a stored backup into a restoring program (here {@code cat}, so the test can see what arrived): the
 * program gets exactly the archive, and each kind of damage gets its own verdict, the file's checksum first.
 */
class ArchiveReaderTest {
  @TempDir
  Path dir;
  private final BackupKey key = BackupKey.generate();
  private byte[] archive;
  private DumpPipeline.Written written;
  private LocalDirectoryStorage storage;

  @BeforeEach
  void backup() throws Exception {
    archive = new byte[2_500_000];
    new java.util.Random(7).nextBytes(archive);
    System.arraycopy("PGDMP".getBytes(), 0, archive, 0, 5);
    Path source = dir.resolve("archive.bin");
    Files.write(source, archive);
    storage = new LocalDirectoryStorage(dir.resolve("store"));
    written = DumpPipeline.dump(storage, "b.dump", List.of("cat", source.toString()), Map.of(), key, Duration.ofSeconds(30));
  }

  private ArchiveReader.Pass read(String sha, BackupKey... keys) throws Exception {
    return read(written.storedBytes(), sha, "cat > " + dir.resolve("restored.bin"), keys);
  }

  private ArchiveReader.Pass read(long bytes, String sha, String program, BackupKey... keys) throws Exception {
    return ArchiveReader.restore(storage, "b.dump", bytes, sha, key.keyId(), ChunkedEncryption.keyRing(keys),
        List.of("/bin/sh", "-c", program), Map.of(), Duration.ofSeconds(30));
  }

  private Path stored() {
    return dir.resolve("store").resolve("b.dump");
  }

  @Test
  void theRestoringProgramGetsExactlyTheArchive() throws Exception {
    ArchiveReader.Pass pass = read(written.sha256(), key);
    assertArrayEquals(archive, Files.readAllBytes(dir.resolve("restored.bin")));
    assertEquals(archive.length, pass.dumpBytes());
    assertEquals(written.sha256(), pass.sha256());
  }

  @Test
  void aProgramThatStopsReadingEarlyStillHasTheRestAuthenticated() throws Exception {
    ArchiveReader.Pass pass = read(written.storedBytes(), written.sha256(), "head -c 100 > /dev/null", key);
    assertEquals(archive.length, pass.dumpBytes());
  }

  @Test
  void eachKindOfDamageHasItsReason() throws Exception {
    byte[] good = Files.readAllBytes(stored());
    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 0x10;
    Files.write(stored(), flipped);
    assertEquals("checksum-mismatch", assertThrows(BackupFailure.class, () -> read(written.sha256(), key)).reason());
    // the manifest agreeing with a changed file (both edited) does not help: the chunk does not authenticate
    String forged = HexFormat.of().formatHex(DumpPipeline.sha256().digest(flipped));
    BackupFailure tampered = assertThrows(BackupFailure.class, () -> read(forged, key));
    assertEquals("tampered", tampered.reason(), tampered.detail());

    Files.write(stored(), Arrays.copyOf(good, good.length - 100));
    BackupFailure cut = assertThrows(BackupFailure.class, () -> read(written.sha256(), key));
    assertEquals("truncated", cut.reason());
    assertTrue(cut.detail().contains("cut short"), cut.detail());
    // cut short and the manifest edited to match: the missing final chunk still shows
    byte[] shorter = Arrays.copyOf(good, good.length - 100);
    BackupFailure cutForged = assertThrows(BackupFailure.class, () -> read(shorter.length,
        HexFormat.of().formatHex(DumpPipeline.sha256().digest(shorter)), "cat > /dev/null", key));
    assertTrue(List.of("truncated", "tampered").contains(cutForged.reason()), cutForged.reason());

    Files.write(stored(), good);
    BackupFailure wrong = assertThrows(BackupFailure.class, () -> read(written.sha256(), BackupKey.generate()));
    assertEquals("wrong-key", wrong.reason());
    assertTrue(wrong.detail().contains(key.keyId()), wrong.detail());

    BackupFailure refused = assertThrows(BackupFailure.class, () -> read(written.storedBytes(), written.sha256(),
        "cat > /dev/null; echo 'pg_restore: error: could not execute query' >&2; exit 1", key));
    assertEquals("pg_restore-failed", refused.reason());
    assertTrue(refused.detail().contains("could not execute query"));

    Files.delete(stored());
    assertEquals("missing-file", assertThrows(BackupFailure.class, () -> read(written.sha256(), key)).reason());
  }
}
