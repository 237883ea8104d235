package io.bulwark.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exports of several chunks (about 1400 bundle entries each), so tampering lands in late chunks and across cuts. */
class ParallelVerifyTest {
  private static final int N = 6000;
  private static final NoteSigner LOG = NoteSigner.generate(BundleFixture.ORIGIN);
  private static final List<VerifierKey> TRUSTED = List.of(LOG.verifierKey());

  @TempDir
  Path dir;

  private final BundleFixture f = new BundleFixture(N, LOG);

  private static void assertResult(String reason, Long index, VerificationResult r) {
    assertEquals(reason, r.reason(), r.toJson());
    assertEquals(index, r.index(), r.toJson());
  }

  private VerificationResult bundle(ObjectNode b) throws Exception {
    Path file = f.write(dir, b);
    assertTrue(Files.size(file) > 3 << 20, "the bundle spans several chunks");
    // the parallel path answers for exports as written, rather than leaving them to the sequential loop
    VerificationResult fast = ParallelVerify.bundle(file, TRUSTED);
    assertNotNull(fast);
    assertEquals(fast, BundleVerifier.verifyFile(file, TRUSTED));
    return fast;
  }

  @Test
  void anIntactMultiChunkBundleVerifiesInParallel() throws Exception {
    VerificationResult r = bundle(f.ledgerBundle(0, N, 1000, 4096, N));
    assertResult("ok", null, r);
    assertEquals(N, r.entries());
    assertEquals(3, r.checkpoints());
  }

  @Test
  void aChangedEntryInALateChunkIsNamedAtItsIndex() throws Exception {
    f.leaves.set(5321, BundleFixture.entry(5321, "mallory", "t2"));
    VerificationResult r = bundle(f.ledgerBundle(0, N, 1000, 4096, N));
    assertResult("entry-changed", 5321L, r);
    assertEquals(2, r.checkpoints());
  }

  @Test
  void entriesSwappedAcrossChunksAreOutOfPlace() throws Exception {
    for (int[] pair : new int[][] {{1350, 1480}, {2790, 4300}}) {
      BundleFixture g = new BundleFixture(N, LOG);
      Collections.swap(g.leaves, pair[0], pair[1]);
      VerificationResult r = BundleVerifier.verifyFile(g.write(dir, g.ledgerBundle(0, N, 4096, N)), TRUSTED);
      assertResult("entry-out-of-place", (long) pair[0], r);
      assertTrue(r.detail().contains("swapped"), r.detail());
    }
  }

  @Test
  void aReadableCopyDifferingInALateChunkIsMalformed() throws Exception {
    ObjectNode b = f.ledgerBundle(0, N, N);
    ((ObjectNode) b.get("entries").get(5999).get("entry")).put("actor", "someone else");
    assertResult("entry-malformed", 5999L, bundle(b));
  }

  @Test
  void aChangedTileHashInALateChunkIsAHashMismatch() throws Exception {
    f.recorded.set(4711, new byte[32]);
    assertResult("hash-mismatch", 4711L, bundle(f.ledgerBundle(0, N, 4096, N)));
  }

  @Test
  void aPrettyPrintedBundleGivesTheSameAnswers() throws Exception {
    f.leaves.set(3000, BundleFixture.entry(3000, "mallory", "t0"));
    Path file = Files.createTempFile(dir, "pretty", ".json");
    BundleFixture.JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), f.ledgerBundle(0, N, 4096, N));
    assertResult("entry-changed", 3000L, BundleVerifier.verifyFile(file, TRUSTED));
  }

  @Test
  void aBrokenEntryAfterTheFirstFailureIsStillAMalformedBundle() throws Exception {
    f.leaves.set(100, BundleFixture.entry(100, "mallory", "t0"));
    Path file = f.write(dir, f.ledgerBundle(0, N, 4096, N));
    String text = Files.readString(file);
    // a late entry loses its closing brace: the whole file is no longer JSON, whatever failed before
    int late = text.indexOf("{\"index\":5500,");
    int close = text.indexOf("}},{", late);
    Files.writeString(file, text.substring(0, close) + text.substring(close + 1));
    assertResult("malformed-bundle", null, BundleVerifier.verifyFile(file, TRUSTED));
  }

  @Test
  void aSegmentTamperedInALateChunkIsNamedAtItsIndex() throws Exception {
    VerificationResult ok = BundleVerifier.verifyFile(f.writeSegment(dir, 0, N, N), TRUSTED);
    assertResult("ok", null, ok);
    assertEquals(N, ok.entries());
    f.leaves.set(5800, BundleFixture.entry(5800, "mallory", "t0"));
    assertResult("entry-changed", 5800L, BundleVerifier.verifyFile(f.writeSegment(dir, 0, N, N), TRUSTED));
  }
}
