package io.bulwark.backup.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PgClientToolsTest {
  @TempDir Path tmp;

  @Test
  void findsTheSystemClientToolsAndReadsTheirVersion() throws IOException {
    Path bin = io.bulwark.shared.test.ExternalTool.require("pg_dump", "postgresql-client").getParent();
    PgClientTools tools = new PgClientTools(null, "/nonexistent:" + bin + ":/bin");
    assertEquals(bin.resolve("pg_dump"), tools.pgDump());
    assertEquals(bin.resolve("pg_restore"), tools.pgRestore());
    PgClientTools.Version dump = tools.version(tools.pgDump());
    assertTrue(dump.major() >= 10, dump.toString());
    assertTrue(dump.text().startsWith(dump.major() + "."), dump.text());
    assertEquals(dump.major(), tools.version(tools.pgRestore()).major());
    assertEquals(bin.resolve("pg_dump"), new PgClientTools(bin).pgDump());
  }

  @Test
  void aBinDirWithoutTheToolSaysWhereItLookedAndHowToFixIt() {
    PgClientTools tools = new PgClientTools(tmp);
    MissingToolException e = assertThrows(MissingToolException.class, tools::pgDump);
    assertEquals("pg_dump", e.tool());
    assertEquals(List.of(tmp.toString()), e.searched());
    assertTrue(e.getMessage().contains("pg_dump not found in BULWARK_PG_BIN_DIR=" + tmp), e.getMessage());
    assertTrue(e.getMessage().contains("/usr/lib/postgresql/15/bin"), e.getMessage());
    assertThrows(MissingToolException.class, tools::pgRestore);
    assertTrue(tools.findPsql().isEmpty());
  }

  @Test
  void aPathWithoutTheToolSuggestsInstallingTheClient() throws IOException {
    Path notExecutable = Files.writeString(tmp.resolve("pg_restore"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rw-r--r--"));
    PgClientTools tools = new PgClientTools(null, tmp + ":" + tmp.resolve("missing"));
    MissingToolException e = assertThrows(MissingToolException.class, tools::pgRestore);
    assertTrue(e.getMessage().contains("on the PATH (" + tmp + ":" + tmp.resolve("missing") + ")"), e.getMessage());
    assertTrue(e.getMessage().contains("apt-get install postgresql-client"), e.getMessage());
    assertTrue(e.getMessage().contains("BULWARK_PG_BIN_DIR"), e.getMessage());
    assertTrue(assertThrows(MissingToolException.class, new PgClientTools(null, "")::pgDump).getMessage()
        .contains("PATH, which is empty"));
  }

  @Test
  void readsTheVersionOfAConfiguredToolAndRefusesImpostors() throws IOException {
    Path dump = script("pg_dump", "echo 'pg_dump (PostgreSQL) 17.2'");
    script("psql", "echo 'psql (PostgreSQL) 16beta1'");
    PgClientTools tools = new PgClientTools(tmp);
    assertEquals(dump, tools.pgDump());
    assertEquals(new PgClientTools.Version("17.2", 17), tools.version(dump));
    assertEquals(new PgClientTools.Version("16beta1", 16), tools.version(tools.findPsql().orElseThrow()));

    Path other = script("other", "echo 'other 1.0'");
    assertThrows(IOException.class, () -> tools.version(other));
    Path failing = script("failing", "echo 'library missing' >&2; exit 127");
    IOException e = assertThrows(IOException.class, () -> tools.version(failing));
    assertTrue(e.getMessage().contains("library missing"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1) | 15.20   | 15",
      "pg_dump (PostgreSQL) 17.2                           | 17.2    | 17",
      "pg_restore (PostgreSQL) 16beta1                     | 16beta1 | 16",
      "pg_dump (PostgreSQL) 18rc1                          | 18rc1   | 18",
      "pg_dump (PostgreSQL) 17devel                        | 17devel | 17",
      "pg_dump (PostgreSQL) 9.6.24                         | 9.6.24  | 9",
      "pg_dump (PostgreSQL) 14.15 (Ubuntu 14.15-1.pgdg22.04+1) | 14.15 | 14"})
  void parsesToolVersions(String output, String text, int major) throws IOException {
    Path tool = script("tool", "echo '" + output + "'");
    assertEquals(new PgClientTools.Version(text, major), new PgClientTools(tmp).version(tool));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "14.15                              | 14.15   | 14",
      "15.20 (Debian 15.20-0+deb12u1)     | 15.20   | 15",
      "'  16.4 '                          | 16.4    | 16",
      "16beta1                            | 16beta1 | 16",
      "17.0 (Ubuntu 17.0-1.pgdg24.04+1)   | 17.0    | 17"})
  void parsesServerVersions(String serverVersion, String text, int major) {
    assertEquals(new PgClientTools.Version(text, major),
        PgClientTools.parseServerVersion(serverVersion + "\n"));
  }

  @Test
  void refusesTextThatIsNoVersion() {
    assertThrows(IllegalArgumentException.class, () -> PgClientTools.parseServerVersion(""));
    assertThrows(IllegalArgumentException.class, () -> PgClientTools.parseServerVersion("PostgreSQL"));
    assertThrows(IllegalArgumentException.class, () -> PgClientTools.parseServerVersion("99999999999.1"));
  }

  @Test
  void aPgDumpMustBeAtLeastTheServersMajorVersion() {
    PgClientTools.Version v14 = new PgClientTools.Version("14.15", 14);
    PgClientTools.Version v15 = new PgClientTools.Version("15.20", 15);
    assertNull(PgClientTools.compatibility(v15, v15));
    assertNull(PgClientTools.compatibility(v15, v14), "a newer pg_dump dumps older servers");
    assertNull(PgClientTools.compatibility(new PgClientTools.Version("15.1", 15), v15), "minor versions do not matter");
    String refusal = PgClientTools.compatibility(v14, v15);
    assertTrue(refusal.startsWith("pg_dump 14.x cannot dump a PostgreSQL 15 server: install postgresql-client-15 or"
        + " newer, or set BULWARK_PG_BIN_DIR"), refusal);
    assertTrue(refusal.contains("14.15") && refusal.contains("15.20"), refusal);
  }

  private Path script(String name, String body) throws IOException {
    Path file = Files.writeString(tmp.resolve(name), "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }
}
