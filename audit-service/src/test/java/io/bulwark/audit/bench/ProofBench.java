package io.bulwark.audit.bench;

import io.bulwark.audit.AuditService;
import io.bulwark.audit.keys.SigningKeySource;
import io.bulwark.ledger.Checkpoint;
import io.bulwark.ledger.MerkleHash;
import io.bulwark.ledger.NoteSigner;
import io.bulwark.ledger.TlogProof;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.ledgerdb.TreeState.FullTile;
import io.bulwark.shared.ledgerdb.TreeState;
import io.bulwark.shared.lifecycle.Bulwark;
import io.bulwark.shared.test.TestPostgres;
import io.bulwark.shared.test.TestServices;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Proof latency at a large tree: the tiles of an N-entry ledger are written straight into PostgreSQL (as if the entries
 * had been appended and then pruned by retention, which keeps tiles), audit-service starts on it, and inclusion and
 * consistency proofs are timed through the event bus.
 */
final class ProofBench {
  private ProofBench() {}

  static byte[] syntheticLeaf(long i) {
    return MerkleHash.leafHash(("synthetic-entry-" + i).getBytes(StandardCharsets.UTF_8));
  }

  static void run(long n, int samples) throws Exception {
    try (TestPostgres db = TestPostgres.create("bench_proof")) {
      Map<String, String> env = TestServices.env(db.databaseUrl(), List.of(AuditService.DEFINITION));
      TestServices.stop(TestServices.start(List.of(AuditService.DEFINITION), env));
      NoteSigner signer = NoteSigner.fromPkcs8Pem("bulwark.local/audit",
          Files.readString(Path.of(env.get("BULWARK_DATA_DIR")).resolve(SigningKeySource.DEV_KEY_FILE)));
      long t0 = System.nanoTime();
      TreeState tree = TreeState.empty();
      try (Connection c = db.jdbc()) {
        c.setAutoCommit(false);
        byte[] first;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT leaf_hash FROM audit.entries WHERE idx = 0")) {
          rs.next();
          first = rs.getBytes(1);
        }
        tree.append(List.of(first));
        long tail = n / 256 * 256;
        try (PreparedStatement tiles = c.prepareStatement("INSERT INTO audit.tiles (level, idx, hashes) VALUES (?, ?, ?)");
             PreparedStatement entries = c.prepareStatement("INSERT INTO audit.entries (idx, idempotency_id, entry, leaf_hash, entry_time)"
                 + " VALUES (?, ?, ?, ?, now())")) {
          for (long start = 1; start < n; start += 65_536) {
            long end = Math.min(n, start + 65_536);
            List<byte[]> leaves = new ArrayList<>((int) (end - start));
            for (long i = start; i < end; i++) {
              leaves.add(syntheticLeaf(i));
              if (i >= tail) {
                byte[] bytes = ("synthetic-entry-" + i).getBytes(StandardCharsets.UTF_8);
                entries.setLong(1, i);
                entries.setString(2, "synthetic-" + i);
                entries.setBytes(3, bytes);
                entries.setBytes(4, MerkleHash.leafHash(bytes));
                entries.addBatch();
              }
            }
            for (FullTile t : tree.append(leaves)) {
              tiles.setShort(1, (short) t.level());
              tiles.setLong(2, t.index());
              tiles.setBytes(3, t.hashes());
              tiles.addBatch();
            }
            tiles.executeBatch();
            entries.executeBatch();
            c.commit();
          }
        }
        String note = signer.sign(new Checkpoint("bulwark.local/audit", n, tree.root(), List.of()).body());
        try (PreparedStatement cp = c.prepareStatement("INSERT INTO audit.checkpoints (tree_size, root_hash, note, key_id) VALUES (?, ?, ?, ?)")) {
          cp.setLong(1, n);
          cp.setBytes(2, tree.root());
          cp.setString(3, note);
          cp.setString(4, HexFormat.of().formatHex(signer.verifierKey().keyId()));
          cp.executeUpdate();
        }
        c.commit();
      }
      System.out.printf("proof: wrote the tiles of a %d-entry tree in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);

      long s0 = System.nanoTime();
      Bulwark audit = TestServices.start(List.of(AuditService.DEFINITION), env);
      System.out.printf("proof: audit-service ready on it in %d ms (writer state rebuilt from tiles)%n", (System.nanoTime() - s0) / 1_000_000);
      try {
        Random random = new Random(42);
        DeliveryOptions opts = new DeliveryOptions().setSendTimeout(10_000);
        double[] inclusion = new double[samples];
        double[] consistency = new double[samples];
        for (int i = 0; i < samples; i++) {
          long index = 1 + (long) (random.nextDouble() * (n - 2));
          long a = System.nanoTime();
          String proof = audit.vertx().eventBus().<JsonObject>request(Addresses.AUDIT_PROOF,
              new JsonObject().put("v", 1).put("index", index), opts).toCompletionStage().toCompletableFuture()
              .get(10, TimeUnit.SECONDS).body().getString("proof");
          inclusion[i] = (System.nanoTime() - a) / 1e6;
          if (i % 100 == 0) {
            TlogProof.parse(proof).verify(syntheticLeaf(index), List.of(signer.verifierKey()));
          }
          long from = 1 + (long) (random.nextDouble() * (n - 2));
          long b = System.nanoTime();
          audit.vertx().eventBus().<JsonObject>request(Addresses.AUDIT_CONSISTENCY,
              new JsonObject().put("v", 1).put("from", from).put("to", n), opts).toCompletionStage().toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
          consistency[i] = (System.nanoTime() - b) / 1e6;
        }
        Arrays.sort(inclusion);
        Arrays.sort(consistency);
        System.out.printf("proof: at %d entries, inclusion p50 %.2f ms p99 %.2f ms; consistency p50 %.2f ms p99 %.2f ms (%d each, sequential, via the bus)%n",
            n, inclusion[samples / 2], inclusion[samples * 99 / 100], consistency[samples / 2], consistency[samples * 99 / 100], samples);
      } finally {
        TestServices.stop(audit);
      }
    }
  }
}
