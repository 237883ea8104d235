package io.bulwark.ledger;

import static io.bulwark.ledger.NoteTest.reason;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** c2sp.org/tlog-proof@v1: format and parse round trip, and verification against a signed checkpoint. */
class TlogProofTest {
  private final MemoryTree tree = new MemoryTree(1000);
  private final NoteSigner log = NoteSigner.generate("bulwark.local/audit");
  private final String note = log.sign(new Checkpoint("bulwark.local/audit", 777, tree.mth(0, 777)).body());

  private TlogProof proofOf(int index, byte[] extra) {
    return new TlogProof(index, ProofPlan.resolve(ProofPlan.inclusion(index, 777), tree.fromTiles()), note, extra);
  }

  @Test
  void formatsParsesAndVerifies() throws Exception {
    TlogProof p = proofOf(300, new byte[] {1, 2, 3});
    String text = p.format();
    assertTrue(text.startsWith("c2sp.org/tlog-proof@v1\nextra AQID\nindex 300\n"), text);
    assertTrue(text.endsWith("\n\n" + note), text);
    TlogProof back = TlogProof.parse(text);
    assertEquals(p, back);
    assertArrayEquals(new byte[] {1, 2, 3}, back.extra());
    assertEquals(777, back.verify(tree.leafHashes.get(300), List.of(log.verifierKey()), "bulwark.local/audit").size());
    assertNull(TlogProof.parse(proofOf(5, null).format()).extra());
  }

  @Test
  void wrongLeafHashOrKeyOrOriginFails() {
    TlogProof p = proofOf(300, null);
    assertEquals("inclusion-failed", reason(() -> p.verify(tree.leafHashes.get(301), List.of(log.verifierKey()))));
    assertEquals("unknown-key", reason(() -> p.verify(tree.leafHashes.get(300),
        List.of(NoteSigner.generate("bulwark.local/audit").verifierKey()))));
    assertEquals("origin-mismatch", reason(() -> p.verify(tree.leafHashes.get(300), List.of(log.verifierKey()), "x")));
    List<byte[]> shorter = new ArrayList<>(p.hashes());
    shorter.remove(shorter.size() - 1);
    TlogProof cut = new TlogProof(300, shorter, note);
    assertEquals("inclusion-failed", reason(() -> cut.verify(tree.leafHashes.get(300), List.of(log.verifierKey()))));
  }

  @Test
  void malformedTextIsRefused() {
    String good = proofOf(3, null).format();
    for (String bad : List.of("", good.replace("@v1", "@v2"), good.replace("index 3", "index 03"),
        good.replace("index 3\n", ""), good.replaceFirst("\nindex 3\n([^\n]{4})", "\nindex 3\n!!!!"),
        good.substring(0, good.indexOf("\n\n")))) {
      assertEquals("malformed-proof", reason(() -> TlogProof.parse(bad)), bad);
    }
  }
}
