package io.bulwark.audit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.audit.keys.SigningKeySource;
import io.bulwark.ledger.Checkpoint;
import io.bulwark.ledger.CompactRange;
import io.bulwark.ledger.NoteSigner;
import io.bulwark.ledger.VerificationResult;
import io.bulwark.ledger.VerifierKey;
import io.bulwark.shared.db.Database;
import io.bulwark.shared.ledgerdb.StoredLedgerVerifier;
import io.bulwark.shared.ledgerdb.StoredLedgerVerifier.Options;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared verifier run against a database the real audit-service wrote, from outside the service, as
 * backup-service runs it against a restored copy: with the database's keys or explicit ones, with a required
 * checkpoint that holds, that nobody trusted signed, or that reaches past the stored entries, and after an entry was
 * edited behind the append-only trigger.
 */
class StoredLedgerVerifierIT {
  private static final String ORIGIN = "bulwark.local/audit";
  private static final int MAX = StoredLedgerVerifier.DEFAULT_MAX_CHECKPOINTS;
  /** An entry inside a full level-0 tile. */
  private static final long K = 300;

  private static AuditHarness audit;
  private static Vertx vertx;
  private static Pool pool;
  private static NoteSigner devKey;
  /** Size of the latest stored checkpoint; entries [checkpointed, total) came after it and no checkpoint covers them. */
  private static long checkpointed;
  private static long total;

  @BeforeAll
  static void writeALedger() throws Exception {
    audit = new AuditHarness("stored_verifier", Map.of());
    long[] idx = audit.appendMany(700, "t-stored");
    audit.awaitCheckpoint(idx[idx.length - 1] + 1);
    audit.stop();
    checkpointed = audit.count("SELECT max(tree_size) FROM audit.checkpoints");
    // entries no checkpoint covers, as after a crash: only the stop signs them, and that checkpoint is taken away
    audit.env.put("BULWARK_AUDIT_CHECKPOINT_INTERVAL", "1h");
    audit.start();
    audit.appendMany(20, "t-stored");
    audit.stop();
    audit.exec("ALTER TABLE audit.checkpoints DISABLE TRIGGER checkpoints_append_only",
        "DELETE FROM audit.checkpoints WHERE tree_size > " + checkpointed,
        "ALTER TABLE audit.checkpoints ENABLE TRIGGER checkpoints_append_only");
    total = audit.count("SELECT max(idx) + 1 FROM audit.entries");
    assertTrue(total > checkpointed, total + " entries, latest checkpoint " + checkpointed);
    devKey = NoteSigner.fromPkcs8Pem(ORIGIN,
        Files.readString(Path.of(audit.env.get("BULWARK_DATA_DIR")).resolve(SigningKeySource.DEV_KEY_FILE)));
    vertx = Vertx.vertx();
    pool = Database.open(vertx, audit.db.url(), "audit", 0, 4).pool();
  }

  @AfterAll
  static void close() throws Exception {
    if (pool != null) {
      pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (audit != null) {
      audit.close();
    }
  }

  @Test
  void aRealLedgerVerifiesWithTheDatabasesKeysAndWithExplicitOnes() throws Exception {
    for (Options o : List.of(new Options(null, null, MAX), new Options(List.of(devKey.verifierKey()), null, MAX),
        new Options(null, null, 1))) {
      VerificationResult r = verify(o);
      assertTrue(r.verified(), r.toJson());
      assertEquals(VerificationResult.OK, r.reason(), r.toJson());
      // without a required checkpoint the verification ends at the latest stored one
      assertEquals(checkpointed, r.entries(), r.toJson());
      assertTrue(r.checkpoints() >= 1, r.toJson());
    }
  }

  @Test
  void theLatestCheckpointAsRequiredVerifies() throws Exception {
    String latest = latestNote();
    for (List<VerifierKey> keys : java.util.Arrays.asList(null, List.of(devKey.verifierKey()))) {
      VerificationResult r = verify(new Options(keys, latest, MAX));
      assertTrue(r.verified(), r.toJson());
      assertEquals(checkpointed, r.entries(), r.toJson());
    }
  }

  @Test
  void aRequiredCheckpointPastTheLatestStoredOneIsReached() throws Exception {
    VerificationResult r = verify(new Options(null, sign(devKey, total, rootAt(total)), MAX));
    assertTrue(r.verified(), r.toJson());
    assertEquals(total, r.entries(), r.toJson());
    // and one between stored checkpoints that was never stored itself
    VerificationResult mid = verify(new Options(null, sign(devKey, K + 7, rootAt(K + 7)), MAX));
    assertTrue(mid.verified(), mid.toJson());
  }

  @Test
  void aRequiredCheckpointSignedByAnUnknownKeyFails() throws Exception {
    NoteSigner stranger = NoteSigner.generate(ORIGIN);
    String note = sign(stranger, checkpointed, rootAt(checkpointed));
    for (List<VerifierKey> keys : java.util.Arrays.asList(null, List.of(devKey.verifierKey()))) {
      VerificationResult r = verify(new Options(keys, note, MAX));
      assertFalse(r.verified(), r.toJson());
      assertEquals("unknown-key", r.reason(), r.toJson());
    }
    // trusting the stranger alone: the required note opens, the stored checkpoints do not
    VerificationResult r = verify(new Options(List.of(stranger.verifierKey()), note, MAX));
    assertFalse(r.verified(), r.toJson());
    assertEquals("unknown-key", r.reason(), r.toJson());
    // the real key's note with its size edited no longer verifies
    VerificationResult edited = verify(new Options(null, latestNote().replaceFirst("\n" + checkpointed + "\n",
        "\n" + (checkpointed - 1) + "\n"), MAX));
    assertFalse(edited.verified(), edited.toJson());
    assertEquals("bad-signature", edited.reason(), edited.toJson());
  }

  @Test
  void aRequiredCheckpointLargerThanTheStoredEntriesFails() throws Exception {
    String note = sign(devKey, total + 10, rootAt(total));
    for (List<VerifierKey> keys : java.util.Arrays.asList(null, List.of(devKey.verifierKey()))) {
      VerificationResult r = verify(new Options(keys, note, MAX));
      assertFalse(r.verified(), r.toJson());
      assertEquals(VerificationResult.ENTRY_MISSING, r.reason(), r.toJson());
      assertEquals(total, r.index(), r.toJson());
    }
  }

  @Test
  void anEditedEntryIsFoundAtItsIndex() throws Exception {
    byte[] original;
    try (Connection c = audit.db.jdbc(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT entry FROM audit.entries WHERE idx = " + K)) {
      rs.next();
      original = rs.getBytes(1);
    }
    audit.exec("ALTER TABLE audit.entries DISABLE TRIGGER entries_append_only",
        "UPDATE audit.entries SET entry = convert_to(replace(convert_from(entry, 'UTF8'), '\"success\"', '\"failure\"'),"
            + " 'UTF8') WHERE idx = " + K,
        "ALTER TABLE audit.entries ENABLE TRIGGER entries_append_only");
    try {
      for (Options o : List.of(new Options(null, null, MAX), new Options(null, latestNote(), MAX))) {
        VerificationResult r = verify(o);
        assertFalse(r.verified(), r.toJson());
        assertEquals(VerificationResult.ENTRY_CHANGED, r.reason(), r.toJson());
        assertEquals(K, r.index(), r.toJson());
      }
    } finally {
      // the other tests share this ledger
      try (Connection c = audit.db.jdbc(); Statement s = c.createStatement();
           PreparedStatement restore = c.prepareStatement("UPDATE audit.entries SET entry = ? WHERE idx = " + K)) {
        s.execute("ALTER TABLE audit.entries DISABLE TRIGGER entries_append_only");
        restore.setBytes(1, original);
        restore.executeUpdate();
        s.execute("ALTER TABLE audit.entries ENABLE TRIGGER entries_append_only");
      }
    }
    assertTrue(verify(new Options(null, null, MAX)).verified());
  }

  private static VerificationResult verify(Options options) throws Exception {
    return new StoredLedgerVerifier(vertx, pool, ORIGIN).verify(options)
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static String latestNote() throws Exception {
    try (Connection c = audit.db.jdbc(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT note FROM audit.checkpoints ORDER BY tree_size DESC LIMIT 1")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** The tree root over the first {@code size} stored leaf hashes. */
  private static byte[] rootAt(long size) throws Exception {
    CompactRange range = new CompactRange();
    try (Connection c = audit.db.jdbc(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT leaf_hash FROM audit.entries WHERE idx < " + size + " ORDER BY idx")) {
      while (rs.next()) {
        range.appendLeafHash(rs.getBytes(1));
      }
    }
    assertEquals(Math.min(size, total), range.size());
    return range.root();
  }

  private static String sign(NoteSigner signer, long size, byte[] root) {
    return signer.sign(new Checkpoint(ORIGIN, size, root, List.of()).body());
  }
}
