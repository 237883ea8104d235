package io.bulwark.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.backup.crypto.BackupKey;
import io.bulwark.backup.crypto.ChunkedEncryption;
import io.bulwark.backup.storage.LocalDirectoryStorage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dump pipeline with real child processes standing in for pg_dump's behaviours: what reaches storage is exactly
 * what the program wrote (encrypted, hashed), and a failed, empty, foreign or killed dump leaves nothing behind — not
 * even when the program wrote a lot before failing (the {@code pg_dump | gzip} trap).
 */
class DumpPipelineTest {
  @TempDir
  Path dir;

  private DumpPipeline.Written dump(String script, BackupKey key, Duration timeout) throws Exception {
    return DumpPipeline.dump(new LocalDirectoryStorage(dir), "b.dump", List.of("/bin/sh", "-c", script), Map.of(), key, timeout);
  }

  @Test
  void storesWhatTheProgramWroteEncryptedAndHashed() throws Exception {
    Path source = dir.resolve("source.bin");
    Files.write(source, ("PGDMP" + "x".repeat(3_000_000)).getBytes());
    BackupKey key = BackupKey.generate();
    DumpPipeline.Written w = dump("cat " + source, key, Duration.ofSeconds(30));
    byte[] stored = Files.readAllBytes(dir.resolve("b.dump"));
    assertEquals(stored.length, w.storedBytes());
    assertEquals(HexFormat.of().formatHex(DumpPipeline.sha256().digest(stored)), w.sha256());
    assertEquals(3_000_005, w.dumpBytes());
    try (InputStream in = ChunkedEncryption.decrypt(Files.newInputStream(dir.resolve("b.dump")), key)) {
      assertArrayEquals(Files.readAllBytes(source), in.readAllBytes());
    }
  }

  @Test
  void unencryptedIsTheArchiveItself() throws Exception {
    DumpPipeline.Written w = dump("printf PGDMP-archive", null, Duration.ofSeconds(30));
    assertEquals("PGDMP-archive", Files.readString(dir.resolve("b.dump")));
    assertEquals(13, w.storedBytes());
  }

  @Test
  void everyKindOfBadDumpIsAFailureThatLeavesNoFile() throws Exception {
    String[][] cases = {
        {"echo 'pg_dump: error: connection to server failed' >&2; exit 1", "pg_dump-failed", "connection to server failed"},
        {"printf PGDMP; head -c 200000 /dev/zero; echo 'server closed the connection' >&2; exit 1", "pg_dump-failed", "server closed"},
        {"exit 0", "empty-dump", "wrote nothing"},
        {"echo 'not an archive'", "not-a-dump", "not a custom-format archive"},
        {"printf PGDMP; sleep 30", "timeout", "was killed"},
    };
    for (String[] c : cases) {
      BackupFailure f = assertThrows(BackupFailure.class, () -> dump(c[0], BackupKey.generate(), Duration.ofMillis(1500)), c[0]);
      assertEquals(c[1], f.reason(), c[0]);
      assertTrue(f.detail().contains(c[2]), f.detail());
      try (var files = Files.list(dir)) {
        assertEquals(List.of(), files.toList(), "nothing stays after: " + c[0]);
      }
    }
  }
}
