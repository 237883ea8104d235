package io.bulwark.audit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.audit.AuditService;
import io.bulwark.audit.keys.SigningKeySource;
import io.bulwark.ledger.Checkpoint;
import io.bulwark.ledger.MerkleHash;
import io.bulwark.ledger.NoteSigner;
import io.bulwark.ledger.VerificationResult;
import io.bulwark.shared.db.Database;
import io.bulwark.shared.ledgerdb.StoredLedgerVerifier;
import io.bulwark.shared.ledgerdb.StoredLedgerVerifier.Options;
import io.bulwark.shared.ledgerdb.TreeState;
import io.bulwark.shared.ledgerdb.TreeState.FullTile;
import io.bulwark.shared.test.TestPostgres;
import io.bulwark.shared.test.TestServices;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A ledger with a level-1 tile whose first 65,536 entries were pruned (written straight into the tables as retention
 * leaves them, which keeps every tile): the shared verifier starts from the left edge in the tiles, and a level-0
 * tile edited in the pruned range is caught only by the check of the tiles above level 0.
 */
class StoredLedgerTilesIT {
  private static final String ORIGIN = "bulwark.local/audit";
  private static final long PRUNED = 65_536;
  private static final long SIZE = PRUNED + 300;

  @Test
  void aPrunedLedgerVerifiesFromItsTilesAndAnEditedTileBelowIsFound() throws Exception {
    try (TestPostgres db = TestPostgres.create("stored_tiles")) {
      Map<String, String> env = TestServices.env(db.databaseUrl(), List.of(AuditService.DEFINITION));
      // a start and a stop create the schema, the key and its registration entry
      TestServices.stop(TestServices.start(List.of(AuditService.DEFINITION), env));
      NoteSigner signer = NoteSigner.fromPkcs8Pem(ORIGIN,
          Files.readString(Path.of(env.get("BULWARK_DATA_DIR")).resolve(SigningKeySource.DEV_KEY_FILE)));
      String note = writeSyntheticLedger(db, signer);
      Vertx vertx = Vertx.vertx();
      try {
        Pool pool = Database.open(vertx, db.url(), "audit", 0, 4).pool();
        StoredLedgerVerifier verifier = new StoredLedgerVerifier(vertx, pool, ORIGIN);
        for (Options o : List.of(new Options(null, null, 10), new Options(List.of(signer.verifierKey()), note, 10))) {
          VerificationResult r = verifier.verify(o).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
          assertTrue(r.verified(), r.toJson());
          assertEquals(SIZE - PRUNED, r.entries(), r.toJson());
        }

        // leaf 1290 lies in level-0 tile 5, pruned: no entry is read there, only level-1 tile 0 vouches for it
        try (Connection c = db.jdbc(); Statement s = c.createStatement()) {
          s.execute("ALTER TABLE audit.tiles DISABLE TRIGGER tiles_append_only");
          s.execute("UPDATE audit.tiles SET hashes = overlay(hashes placing sha256('forged'::bytea) from " + (10 * 32 + 1)
              + " for 32) WHERE level = 0 AND idx = 5");
          s.execute("ALTER TABLE audit.tiles ENABLE TRIGGER tiles_append_only");
        }
        VerificationResult r = verifier.verify(new Options(null, null, 10))
            .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertFalse(r.verified(), r.toJson());
        assertEquals(VerificationResult.HASH_MISMATCH, r.reason(), r.toJson());
        assertEquals(5 * 256L, r.index(), r.toJson());
        assertEquals(SIZE - PRUNED, r.entries(), r.toJson());
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Tiles for SIZE leaves, the entries from PRUNED on, the pruning record and a checkpoint; returns its note. */
  private static String writeSyntheticLedger(TestPostgres db, NoteSigner signer) throws Exception {
    TreeState tree = TreeState.empty();
    try (Connection c = db.jdbc()) {
      c.setAutoCommit(false);
      List<byte[]> existing = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT leaf_hash FROM audit.entries ORDER BY idx")) {
        while (rs.next()) {
          existing.add(rs.getBytes(1));
        }
      }
      List<FullTile> full = new ArrayList<>(tree.append(existing));
      List<byte[]> leaves = new ArrayList<>();
      try (PreparedStatement entries = c.prepareStatement("INSERT INTO audit.entries (idx, idempotency_id, entry, leaf_hash,"
          + " entry_time) VALUES (?, ?, ?, ?, now())")) {
        for (long i = existing.size(); i < SIZE; i++) {
          byte[] bytes = ("synthetic-entry-" + i).getBytes(StandardCharsets.UTF_8);
          leaves.add(MerkleHash.leafHash(bytes));
          if (i >= PRUNED) {
            entries.setLong(1, i);
            entries.setString(2, "synthetic-" + i);
            entries.setBytes(3, bytes);
            entries.setBytes(4, MerkleHash.leafHash(bytes));
            entries.addBatch();
          }
        }
        entries.executeBatch();
      }
      full.addAll(tree.append(leaves));
      try (PreparedStatement tiles = c.prepareStatement("INSERT INTO audit.tiles (level, idx, hashes) VALUES (?, ?, ?)")) {
        for (FullTile t : full) {
          tiles.setShort(1, (short) t.level());
          tiles.setLong(2, t.index());
          tiles.setBytes(3, t.hashes());
          tiles.addBatch();
        }
        tiles.executeBatch();
      }
      String note = signer.sign(new Checkpoint(ORIGIN, SIZE, tree.root(), List.of()).body());
      try (PreparedStatement cp = c.prepareStatement("INSERT INTO audit.checkpoints (tree_size, root_hash, note, key_id)"
          + " VALUES (?, ?, ?, ?)"); Statement s = c.createStatement()) {
        cp.setLong(1, SIZE);
        cp.setBytes(2, tree.root());
        cp.setString(3, note);
        cp.setString(4, HexFormat.of().formatHex(signer.verifierKey().keyId()));
        cp.executeUpdate();
        s.execute("INSERT INTO audit.retention_log (kind, min_index) VALUES ('pruned', " + PRUNED + ")");
      }
      c.commit();
      return note;
    }
  }
}
