package io.bulwark.audit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestServices;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An attacker with superuser rights bypasses the append-only triggers (session_replication_role = replica) and edits
 * the tables. The ledger's own verification names what was done and the exact index.
 */
class TamperIT {
  /** Enough entries for several full tiles and a partial one. */
  private static final int ENTRIES = 700;
  private static final long K = 300;

  private interface Tamper {
    void apply(AuditHarness audit) throws Exception;
  }

  private static JsonObject tamperAndVerify(String name, Tamper tamper) throws Exception {
    try (AuditHarness audit = new AuditHarness("tamper_" + name, Map.of())) {
      long[] idx = audit.appendMany(ENTRIES, "t-tamper");
      audit.awaitCheckpoint(idx[idx.length - 1] + 1);
      JsonObject clean = audit.request(Addresses.AUDIT_VERIFY, new JsonObject().put("v", 1)).getJsonObject("result");
      assertTrue(clean.getBoolean("verified"), clean.encode());
      tamper.apply(audit);
      JsonObject result = audit.request(Addresses.AUDIT_VERIFY, new JsonObject().put("v", 1)).getJsonObject("result");
      assertFalse(result.getBoolean("verified"), result.encode());
      if ("change".equals(name)) {
        // a failed verification is counted and leaves a system entry behind
        String metrics = Http.get("http://127.0.0.1:" + TestServices.managementPort(audit.running, "audit") + "/metrics").body();
        assertTrue(metrics.contains("bulwark_audit_verification_failures_total{service=\"audit\"} 1.0"), metrics);
        long deadline = System.currentTimeMillis() + 5000;
        while (audit.count("SELECT count(*) FROM audit.entries WHERE action = 'audit.verification.failed'") == 0
            && System.currentTimeMillis() < deadline) {
          AuditHarness.sleep(50);
        }
        assertEquals(1, audit.count("SELECT count(*) FROM audit.entries WHERE action = 'audit.verification.failed' AND category = 'system'"));
      }
      return result;
    }
  }

  private static void assertFinding(JsonObject result, String reason, Long index) {
    assertEquals(reason, result.getString("reason"), result.encode());
    assertEquals(index, result.getLong("index"), result.encode());
  }

  private static final String ATTACK = "SET session_replication_role = replica";

  @Test
  void changedEntryIsFoundAtItsIndex() throws Exception {
    JsonObject r = tamperAndVerify("change", a -> a.exec(ATTACK,
        "UPDATE audit.entries SET entry = convert_to(replace(convert_from(entry, 'UTF8'), '\"success\"', '\"failure\"'), 'UTF8') WHERE idx = " + K));
    assertFinding(r, "entry-changed", K);
  }

  @Test
  void changedEntryWithRecomputedLeafHashIsStillFound() throws Exception {
    JsonObject r = tamperAndVerify("change_hash", a -> a.exec(ATTACK,
        "UPDATE audit.entries SET entry = convert_to(replace(convert_from(entry, 'UTF8'), '\"success\"', '\"denied\"'), 'UTF8') WHERE idx = " + K,
        "UPDATE audit.entries SET leaf_hash = sha256('\\x00'::bytea || entry) WHERE idx = " + K));
    assertFinding(r, "entry-changed", K);
  }

  @Test
  void deletedEntryIsReportedMissing() throws Exception {
    JsonObject r = tamperAndVerify("delete", a -> a.exec(ATTACK, "DELETE FROM audit.entries WHERE idx = " + K));
    assertFinding(r, "entry-missing", K);
  }

  @Test
  void insertedEntryIsReportedWhereItWasInserted() throws Exception {
    JsonObject r = tamperAndVerify("insert", a -> a.exec(ATTACK,
        "UPDATE audit.entries SET idx = idx + 1000000 WHERE idx >= " + K,
        "UPDATE audit.entries SET idx = idx - 1000000 + 1 WHERE idx >= 1000000",
        "INSERT INTO audit.entries (idx, idempotency_id, entry, leaf_hash, entry_time) SELECT " + K
            + ", 'forged', convert_to(replace(convert_from(entry, 'UTF8'), '\"index\":" + K + "', '\"index\":" + K
            + "'), 'UTF8'), leaf_hash, entry_time FROM audit.entries WHERE idx = " + (K + 1),
        "UPDATE audit.entries SET entry = convert_to(replace(convert_from(entry, 'UTF8'), 'user.login', 'user.forged'), 'UTF8') WHERE idx = " + K));
    assertFinding(r, "entry-inserted", K);
  }

  @Test
  void swappedEntriesAreReportedOutOfPlace() throws Exception {
    JsonObject r = tamperAndVerify("swap", a -> a.exec(ATTACK,
        "UPDATE audit.entries SET idx = 1000000 WHERE idx = " + K,
        "UPDATE audit.entries SET idx = " + K + " WHERE idx = " + (K + 5),
        "UPDATE audit.entries SET idx = " + (K + 5) + " WHERE idx = 1000000"));
    assertFinding(r, "entry-out-of-place", K);
  }

  @Test
  void changedTileIsFoundAtTheLeafItCovers() throws Exception {
    // level-0 tile 1 covers leaves 256..511; overwrite the hash of leaf K (offset K - 256)
    int offset = (int) (K - 256) * 32;
    JsonObject r = tamperAndVerify("tile", a -> a.exec(ATTACK,
        "UPDATE audit.tiles SET hashes = overlay(hashes placing sha256('forged'::bytea) from " + (offset + 1) + " for 32)"
            + " WHERE level = 0 AND idx = 1"));
    assertFinding(r, "hash-mismatch", K);
  }

  @Test
  void changedCheckpointFailsItsSignature() throws Exception {
    JsonObject r = tamperAndVerify("checkpoint", a -> a.exec(ATTACK,
        "UPDATE audit.checkpoints SET note = regexp_replace(note, '\\n[0-9]+\\n', E'\\n1\\n')"
            + " WHERE tree_size = (SELECT max(tree_size) FROM audit.checkpoints)"));
    assertEquals("bad-signature", r.getString("reason"), r.encode());
  }
}
