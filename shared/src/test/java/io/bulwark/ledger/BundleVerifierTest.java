package io.bulwark.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exports built like the audit-service's, intact and tampered with, and the exact failure each tampering gives. */
class BundleVerifierTest {
  private static final NoteSigner LOG = NoteSigner.generate(BundleFixture.ORIGIN);
  private static final List<VerifierKey> TRUSTED = List.of(LOG.verifierKey());

  @TempDir
  Path dir;

  private final BundleFixture f = new BundleFixture(300, LOG);

  private VerificationResult verify(JsonNode bundle) throws Exception {
    return BundleVerifier.verifyFile(f.write(dir, bundle), TRUSTED);
  }

  private static void assertResult(String reason, Long index, VerificationResult r) {
    assertEquals(reason, r.reason(), r.toJson());
    assertEquals(index, r.index(), r.toJson());
    assertEquals(reason.equals("ok"), r.verified(), r.toJson());
  }

  @Test
  void intactBundlesVerify() throws Exception {
    VerificationResult r = verify(f.ledgerBundle(0, 200, 50, 128, 200, 257));
    assertResult("ok", null, r);
    assertEquals(200, r.entries());
    assertEquals(4, r.checkpoints());
    assertEquals("{\"verified\":true,\"reason\":\"ok\",\"index\":null,\"entries\":200,\"checkpoints\":4,\"detail\":null}",
        r.toJson());
    assertResult("ok", null, verify(f.ledgerBundle(37, 181, 100, 181)));
    assertResult("ok", null, verify(f.ledgerBundle(64, 99, 300)));
  }

  @Test
  void theHeaderMayFollowTheEntries() throws Exception {
    ObjectNode b = f.ledgerBundle(10, 150, 120, 150);
    ObjectNode reordered = BundleFixture.JSON.createObjectNode();
    reordered.set("entries", b.get("entries"));
    for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      reordered.set(e.getKey(), e.getValue());
    }
    assertResult("ok", null, verify(reordered));
  }

  @Test
  void aChangedEntryIsFoundAtItsIndexWhenTheTilesStillHoldItsHash() throws Exception {
    f.leaves.set(77, BundleFixture.entry(77, "mallory", "t2"));
    assertResult("entry-changed", 77L, verify(f.ledgerBundle(0, 200, 50, 128, 200)));
  }

  @Test
  void aChangedEntryWithAMatchingRecordedHashIsARootMismatchAfterTheLastGoodCheckpoint() throws Exception {
    f.leaves.set(77, BundleFixture.entry(77, "mallory", "t2"));
    f.recorded.set(77, MerkleHash.leafHash(f.leaves.get(77)));
    VerificationResult r = verify(f.ledgerBundle(0, 200, 50, 128, 200));
    assertResult("root-mismatch", 50L, r);
    assertEquals(1, r.checkpoints());
  }

  @Test
  void aRemovedEntryIsMissing() throws Exception {
    // the row deleted and the later ones renumbered, as a database edit would leave it
    f.leaves.remove(90);
    f.leaves.add(BundleFixture.entry(999, "x", "t0"));
    assertResult("entry-missing", 90L, verify(f.ledgerBundle(0, 200, 128, 200)));
  }

  @Test
  void aGapInTheIndexesIsMissing() throws Exception {
    ObjectNode b = f.ledgerBundle(0, 200, 128, 200);
    ((ArrayNode) b.get("entries")).remove(90);
    assertResult("entry-missing", 90L, verify(b));
  }

  @Test
  void anInsertedEntryIsFound() throws Exception {
    f.leaves.add(60, BundleFixture.entry(60, "mallory", "t0"));
    f.leaves.remove(f.leaves.size() - 1);
    assertResult("entry-inserted", 60L, verify(f.ledgerBundle(0, 200, 128, 200)));
  }

  @Test
  void swappedEntriesAreOutOfPlaceAtTheFirst() throws Exception {
    Collections.swap(f.leaves, 40, 45);
    VerificationResult r = verify(f.ledgerBundle(0, 200, 128, 200));
    assertResult("entry-out-of-place", 40L, r);
    assertTrue(r.detail().contains("swapped"), r.detail());
  }

  @Test
  void swappedEntriesAcrossACheckpointAreStillNamed() throws Exception {
    Collections.swap(f.leaves, 120, 150);
    VerificationResult r = verify(f.ledgerBundle(0, 200, 128, 200));
    assertResult("entry-out-of-place", 120L, r);
    assertTrue(r.detail().contains("swapped"), r.detail());
  }

  @Test
  void aChangedTileHashIsAHashMismatch() throws Exception {
    f.recorded.set(133, new byte[32]);
    assertResult("hash-mismatch", 133L, verify(f.ledgerBundle(0, 200, 128, 200)));
    // also when the last checkpoint lies beyond the entries
    assertResult("hash-mismatch", 133L, verify(f.ledgerBundle(100, 150, 290)));
  }

  @Test
  void aChangedCheckpointRootIsABadSignature() throws Exception {
    ObjectNode b = f.ledgerBundle(0, 200, 128, 200);
    ObjectNode cp = (ObjectNode) b.get("checkpoints").get(1);
    String root = Base64.getEncoder().encodeToString(f.tree.mth(0, 200));
    cp.put("note", cp.get("note").asText().replace(root, Base64.getEncoder().encodeToString(new byte[32])));
    VerificationResult r = verify(b);
    assertResult("bad-signature", null, r);
    assertTrue(r.detail().contains("200"), r.detail());
  }

  @Test
  void aCheckpointFromAnUntrustedKeyIsAnUnknownKey() throws Exception {
    ObjectNode b = f.ledgerBundle(0, 200, 128, 200);
    NoteSigner other = NoteSigner.generate(BundleFixture.ORIGIN);
    ((ObjectNode) b.get("checkpoints").get(0)).put("note",
        other.sign(new Checkpoint(BundleFixture.ORIGIN, 128, f.tree.mth(0, 128)).body()));
    assertResult("unknown-key", null, verify(b));
    // the keys listed in the bundle are never trusted
    ((ArrayNode) b.get("keys")).add(other.verifierKey().encode());
    assertResult("unknown-key", null, verify(b));
  }

  @Test
  void anotherOriginIsRefused() throws Exception {
    ObjectNode b = f.ledgerBundle(0, 200, 200);
    b.put("origin", "elsewhere");
    assertResult("origin-mismatch", null, verify(b));
  }

  @Test
  void entriesPastTheLastCheckpointAreNotCovered() throws Exception {
    assertResult("not-covered", 128L, verify(f.ledgerBundle(0, 200, 50, 128)));
  }

  @Test
  void aBadConsistencyProofFails() throws Exception {
    ObjectNode b = f.ledgerBundle(0, 200, 128, 200);
    ArrayNode proof = (ArrayNode) b.get("consistency").get(0).get("proof");
    proof.set(0, Base64.getEncoder().encodeToString(new byte[32]));
    assertResult("consistency-failed", null, verify(b));
  }

  @Test
  void aReadableCopyThatDiffersFromTheBytesIsMalformed() throws Exception {
    ObjectNode b = f.ledgerBundle(0, 200, 200);
    ((ObjectNode) b.get("entries").get(12).get("entry")).put("actor", "someone else");
    assertResult("entry-malformed", 12L, verify(b));
  }

  @Test
  void tenantBundlesCheckEachEntryByItsInclusionProof() throws Exception {
    VerificationResult ok = verify(f.tenantBundle("t1", 150, 280));
    assertResult("ok", null, ok);
    assertEquals(93, ok.entries());

    ObjectNode b = f.tenantBundle("t1", 150, 280);
    ArrayNode proof = (ArrayNode) b.get("entries").get(5).get("proof");
    proof.set(2, Base64.getEncoder().encodeToString(new byte[32]));
    assertResult("inclusion-failed", 16L, verify(b));

    f.leaves.set(22, BundleFixture.entry(22, "mallory", "t1"));
    assertResult("entry-changed", 22L, verify(f.tenantBundle("t1", 280)));
  }

  @Test
  void segmentsVerifyAndAFlippedByteIsAChecksumFailure() throws Exception {
    Path manifest = f.writeSegment(dir, 100, 200, 256);
    VerificationResult r = BundleVerifier.verifyFile(manifest, TRUSTED);
    assertResult("ok", null, r);
    assertEquals(100, r.entries());
    Path data = dir.resolve("segment-100-200.jsonl.gz");
    assertResult("ok", null, BundleVerifier.verifyFile(data, TRUSTED));

    byte[] gz = Files.readAllBytes(data);
    gz[gz.length / 2] ^= 0x01;
    Files.write(data, gz);
    assertResult("segment-checksum", null, BundleVerifier.verifyFile(manifest, TRUSTED));
  }

  @Test
  void aTamperedSegmentWithAFixedChecksumIsStillCaught() throws Exception {
    f.leaves.set(150, BundleFixture.entry(150, "mallory", "t0"));
    assertResult("entry-changed", 150L, BundleVerifier.verifyFile(f.writeSegment(dir, 100, 200, 200), TRUSTED));
  }

  @Test
  void badInputIsAMalformedBundle() throws Exception {
    Path notJson = Files.writeString(dir.resolve("x.json"), "hello", StandardCharsets.UTF_8);
    assertResult("malformed-bundle", null, BundleVerifier.verifyFile(notJson, TRUSTED));
    Path other = Files.writeString(dir.resolve("y.json"), "{\"format\":\"something/v1\"}", StandardCharsets.UTF_8);
    assertResult("malformed-bundle", null, BundleVerifier.verifyFile(other, TRUSTED));
    assertResult("malformed-bundle", null, BundleVerifier.verifyFile(dir.resolve("absent.json"), TRUSTED));
    ObjectNode b = f.ledgerBundle(0, 10, 10);
    b.remove("leftEdge");
    assertResult("malformed-bundle", null, verify(b));
  }
}
