package io.bulwark.audit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.ledger.BundleVerifier;
import io.bulwark.ledger.Checkpoint;
import io.bulwark.ledger.MerkleHash;
import io.bulwark.ledger.Proofs;
import io.bulwark.ledger.SignedNote;
import io.bulwark.ledger.TlogProof;
import io.bulwark.ledger.VerificationResult;
import io.bulwark.ledger.VerifierKey;
import io.bulwark.shared.bus.Addresses;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot retention archives old entries into segments that verify on their own, prunes them, and leaves every proof for
 * the rest valid; archive retention then deletes the segments. Windows are seconds here instead of days.
 */
class RetentionIT {
  @TempDir
  Path archive;

  private static JsonObject retention(AuditHarness audit, String action) {
    return audit.request(Addresses.AUDIT_RETENTION, new JsonObject().put("v", 1).put("action", action).put("actor", "admin:test"))
        .getJsonObject("retention");
  }

  private static List<Path> manifests(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".manifest.json")).sorted().toList();
    }
  }

  @Test
  void archivesPrunesKeepsProofsValidAndExpiresSegments() throws Exception {
    try (AuditHarness audit = new AuditHarness("retention", Map.of("BULWARK_AUDIT_HOT_RETENTION", "4s", "BULWARK_AUDIT_ARCHIVE_RETENTION", "8s",
        "BULWARK_AUDIT_RETENTION_INTERVAL", "1d", "BULWARK_AUDIT_SEGMENT_MAX_ENTRIES", "256", "BULWARK_AUDIT_ARCHIVE_DIR", archive.toString()))) {
      long[] old = audit.appendMany(600, "t-old");
      JsonObject early = audit.awaitCheckpoint(old[old.length - 1] + 1);
      long oldEnd = old[old.length - 1] + 1;
      long oldNewest = audit.count("SELECT (extract(epoch FROM max(entry_time)) * 1000)::bigint FROM audit.entries");
      // the fresh entries get a 4 s margin before they too would pass hot retention
      AuditHarness.sleep(4200);
      long[] fresh = audit.appendMany(300, "t-new");
      JsonObject late = audit.awaitCheckpoint(fresh[fresh.length - 1] + 1);

      // paused: the schedule does nothing, and the choice is recorded
      assertEquals("paused", retention(audit, "pause").getString("state"));
      assertEquals("idle", retention(audit, "resume").getString("state"));
      assertEquals(2, audit.count("SELECT count(*) FROM audit.retention_log WHERE kind IN ('paused', 'resumed')"));

      JsonObject run = retention(audit, "run");
      JsonObject last = run.getJsonObject("lastRun");
      assertEquals(oldEnd, last.getLong("archived"), run.encode());
      assertEquals(oldEnd, audit.count("SELECT min(idx) FROM audit.entries"));
      assertEquals(0, audit.count("SELECT count(*) FROM audit.entries WHERE tenant = 't-old'"));

      List<VerifierKey> keys = LedgerIT.trustedOf(audit);
      List<Path> segments = manifests(archive);
      assertEquals(3, segments.size(), segments.toString());
      for (Path m : segments) {
        VerificationResult r = BundleVerifier.verifyFile(m, keys);
        assertTrue(r.verified(), m + ": " + r.toJson());
      }
      assertEquals(3, audit.count("SELECT count(*) FROM audit.entries WHERE action = 'audit.retention.archived'"));

      // every proof for what remains still verifies, and so does consistency from before the prune
      Checkpoint lateCp = Checkpoint.parse(SignedNote.open(audit.awaitCheckpoint(fresh[fresh.length - 1] + 1).getString("note"), keys).body());
      for (long i : new long[] {oldEnd, oldEnd + 1, fresh[0], fresh[fresh.length - 1]}) {
        byte[] leaf;
        try (Connection c = audit.db.jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT entry FROM audit.entries WHERE idx = " + i)) {
          assertTrue(rs.next());
          leaf = MerkleHash.leafHash(rs.getBytes(1));
        }
        TlogProof.parse(audit.request(Addresses.AUDIT_PROOF, new JsonObject().put("v", 1).put("index", i)).getString("proof"))
            .verify(leaf, keys);
      }
      Checkpoint earlyCp = Checkpoint.parse(SignedNote.open(early.getString("note"), keys).body());
      String lines = audit.request(Addresses.AUDIT_CONSISTENCY, new JsonObject().put("v", 1).put("from", earlyCp.size())
          .put("to", lateCp.size())).getString("hashes");
      Proofs.verifyConsistency(earlyCp.size(), lateCp.size(), lines.lines().map(l -> Base64.getDecoder().decode(l)).toList(),
          earlyCp.rootHash(), lateCp.rootHash());
      JsonObject verified = audit.request(Addresses.AUDIT_VERIFY, new JsonObject().put("v", 1)).getJsonObject("result");
      assertTrue(verified.getBoolean("verified"), verified.encode());

      ReplyException gone = audit.failure(Addresses.AUDIT_EXPORT, new JsonObject().put("v", 1).put("from", 0L).put("to", 10L));
      assertEquals(410, gone.failureCode());
      assertEquals("audit.pruned", AuditHarness.code(gone));
      ReplyException prunedEntry = audit.failure(Addresses.AUDIT_ENTRY, new JsonObject().put("v", 1).put("index", 5L));
      assertEquals(410, prunedEntry.failureCode());

      // archive retention: once the segments' newest entries are 8 s old, a run deletes them
      AuditHarness.sleep(Math.max(0, oldNewest + 8300 - System.currentTimeMillis()));
      JsonObject expired = retention(audit, "run").getJsonObject("lastRun");
      assertEquals(3, expired.getInteger("segmentsDeleted"), expired.encode());
      for (Path m : segments) {
        assertFalse(Files.exists(m), m + " outlived archive retention");
        assertFalse(Files.exists(Path.of(m.toString().replace(".manifest.json", ".jsonl.gz"))), m + " data outlived archive retention");
      }
      assertEquals(3, audit.count("SELECT count(*) FROM audit.retention_log WHERE kind = 'segment-deleted'"));
      assertEquals(3, audit.count("SELECT count(*) FROM audit.entries WHERE action = 'audit.retention.segment_deleted'"));
    }
  }
}
