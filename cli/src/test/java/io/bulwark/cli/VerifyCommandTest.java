package io.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.ledger.BundleFixture;
import io.bulwark.ledger.NoteSigner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bulwark verify}: the result JSON on stdout and exit 0 verified, 1 not verified, 2 bad input. */
class VerifyCommandTest {
  private static final NoteSigner LOG = NoteSigner.generate(BundleFixture.ORIGIN);

  @TempDir
  Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = BulwarkCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void anIntactBundleVerifies() throws Exception {
    BundleFixture f = new BundleFixture(120, LOG);
    Path bundle = f.write(dir, f.ledgerBundle(0, 100, 64, 100, 120));
    Run r = run("verify", bundle.toString(), "--key", LOG.verifierKey().encode());
    assertEquals(0, r.exit(), r.err());
    assertEquals("{\"verified\":true,\"reason\":\"ok\",\"index\":null,\"entries\":100,\"checkpoints\":3,\"detail\":null}\n",
        r.out().replace("\r\n", "\n"));
    assertEquals("", r.err());
  }

  @Test
  void keysMayComeFromAFile() throws Exception {
    BundleFixture f = new BundleFixture(50, LOG);
    Path manifest = f.writeSegment(dir, 0, 50, 50);
    Path keys = Files.writeString(dir.resolve("keys"), "# trusted\n\n" + LOG.verifierKey().encode() + "\n");
    Run r = run("verify", manifest.toString(), "--keys-file", keys.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("\"verified\":true"), r.out());
  }

  @Test
  void aTamperedBundleIsNotVerified() throws Exception {
    BundleFixture f = new BundleFixture(120, LOG);
    f.leaves.set(42, BundleFixture.entry(42, "mallory", "t0"));
    Path bundle = f.write(dir, f.ledgerBundle(0, 100, 64, 100));
    Run r = run("verify", bundle.toString(), "--key", LOG.verifierKey().encode());
    assertEquals(1, r.exit());
    assertTrue(r.out().startsWith("{\"verified\":false,\"reason\":\"entry-changed\",\"index\":42,"), r.out());
  }

  @Test
  void anUntrustedKeyIsNotVerified() throws Exception {
    BundleFixture f = new BundleFixture(20, LOG);
    Path bundle = f.write(dir, f.ledgerBundle(0, 20, 20));
    Run r = run("verify", bundle.toString(), "--key", NoteSigner.generate(BundleFixture.ORIGIN).verifierKey().encode());
    assertEquals(1, r.exit());
    assertTrue(r.out().contains("\"reason\":\"unknown-key\""), r.out());
  }

  @Test
  void badInputExitsTwoWithOneLineAndNoStackTrace() throws Exception {
    BundleFixture f = new BundleFixture(20, LOG);
    Path bundle = f.write(dir, f.ledgerBundle(0, 20, 20));
    Path notABundle = Files.writeString(dir.resolve("x.json"), "{\"hello\":1}");
    String key = LOG.verifierKey().encode();
    for (String[] args : new String[][] {
        {"verify", dir.resolve("absent.json").toString(), "--key", key},
        {"verify", bundle.toString()},
        {"verify", bundle.toString(), "--key", "not-a-key"},
        {"verify", bundle.toString(), "--keys-file", dir.resolve("no-keys").toString()},
        {"verify", notABundle.toString(), "--key", key}}) {
      Run r = run(args);
      assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().startsWith("bulwark verify: "), r.err());
      assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
    }
    Run malformed = run("verify", notABundle.toString(), "--key", key);
    assertTrue(malformed.out().contains("\"reason\":\"malformed-bundle\""), malformed.out());
  }
}
