package io.bulwark.audit.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.ledger.BundleVerifier;
import io.bulwark.ledger.Checkpoint;
import io.bulwark.ledger.CompactRange;
import io.bulwark.ledger.MerkleHash;
import io.bulwark.ledger.Proofs;
import io.bulwark.ledger.SignedNote;
import io.bulwark.ledger.TlogProof;
import io.bulwark.ledger.VerificationResult;
import io.bulwark.ledger.VerifierKey;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.AppendRequest;
import io.bulwark.shared.bus.AuditEvent;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger on real PostgreSQL: appends, checkpoints, proofs, exports, search, bad input, append-only storage. */
class LedgerIT {
  private static AuditHarness audit;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    audit = new AuditHarness("ledger", Map.of());
  }

  @AfterAll
  static void stop() {
    audit.close();
  }

  static List<VerifierKey> trusted() throws Exception {
    return trustedOf(audit);
  }

  /** The ledger's registered verifier keys, as an auditor would fetch them once and keep them. */
  static List<VerifierKey> trustedOf(AuditHarness audit) throws Exception {
    JsonArray keys = audit.request(Addresses.AUDIT_KEYS, new JsonObject().put("v", 1)).getJsonArray("keys");
    List<VerifierKey> out = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      out.add(VerifierKey.parse(keys.getJsonObject(i).getString("vkey")));
    }
    return out;
  }

  static Checkpoint open(String note) throws Exception {
    return Checkpoint.parse(SignedNote.open(note, trusted()).body());
  }

  @Test
  void appendsAreDenseCommittedAndIdempotent() throws Exception {
    JsonObject first = audit.append("idem-a", AuditHarness.event("t1", "alice", "user.login", "success"));
    JsonObject again = audit.append("idem-a", AuditHarness.event("t1", "alice", "user.login", "success"));
    assertEquals(first.getLong("index"), again.getLong("index"));
    assertFalse(first.getBoolean("duplicate"));
    assertTrue(again.getBoolean("duplicate"));
    assertEquals(1, audit.count("SELECT count(*) FROM audit.entries WHERE idempotency_id = 'idem-a'"));

    // a batch with a repeated id and an id seen before: one new entry per new id, in order
    AuditEvent e = AuditHarness.event("t1", "bob", "user.logout", "success");
    JsonArray results = audit.appendBatch(List.of(new AppendRequest("idem-b", e), new AppendRequest("idem-b", e),
        new AppendRequest("idem-a", e), new AppendRequest("idem-c", e))).getJsonArray("results");
    long b = results.getJsonObject(0).getLong("index");
    assertEquals(b, results.getJsonObject(1).getLong("index"));
    assertTrue(results.getJsonObject(1).getBoolean("duplicate"));
    assertEquals(first.getLong("index"), results.getJsonObject(2).getLong("index"));
    assertEquals(b + 1, results.getJsonObject(3).getLong("index"));
    // the reply came after commit: visible to another connection now; indexes are dense
    assertEquals(1, audit.count("SELECT count(*) FROM audit.entries WHERE idempotency_id = 'idem-c'"));
    assertEquals(audit.count("SELECT max(idx) + 1 FROM audit.entries"), audit.count("SELECT count(*) FROM audit.entries"));
  }

  @Test
  void checkpointsFollowAppendsAreSignedAndStopWhileIdle() throws Exception {
    long[] idx = audit.appendMany(300, "t-cp");
    long size = idx[idx.length - 1] + 1;
    JsonObject cp = audit.awaitCheckpoint(size);
    Checkpoint checkpoint = open(cp.getString("note"));
    assertEquals("bulwark.local/audit", checkpoint.origin());
    // the signed root is the RFC 6962 root of the stored leaves
    CompactRange range = new CompactRange();
    try (Connection c = audit.db.jdbc(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT entry, leaf_hash FROM audit.entries WHERE idx < " + checkpoint.size() + " ORDER BY idx")) {
      while (rs.next()) {
        assertArrayEquals(MerkleHash.leafHash(rs.getBytes(1)), rs.getBytes(2));
        range.appendLeafHash(rs.getBytes(2));
      }
    }
    assertArrayEquals(range.root(), checkpoint.rootHash());

    AuditHarness.sleep(300);
    long before = audit.count("SELECT count(*) FROM audit.checkpoints");
    AuditHarness.sleep(600);
    assertEquals(before, audit.count("SELECT count(*) FROM audit.checkpoints"), "checkpoints were signed while idle");
  }

  @Test
  void inclusionAndConsistencyProofsVerifyAcrossTiles() throws Exception {
    long[] first = audit.appendMany(300, "t-proof");
    JsonObject early = audit.awaitCheckpoint(first[first.length - 1] + 1);
    long[] more = audit.appendMany(700, "t-proof");
    JsonObject late = audit.awaitCheckpoint(more[more.length - 1] + 1);
    List<VerifierKey> keys = trusted();
    Checkpoint lateCp = open(late.getString("note"));
    for (long i : new long[] {0, 1, 255, 256, 257, first[0], more[0], more[more.length - 1], lateCp.size() - 1}) {
      String text = audit.request(Addresses.AUDIT_PROOF, new JsonObject().put("v", 1).put("index", i)).getString("proof");
      TlogProof proof = TlogProof.parse(text);
      assertEquals(i, proof.index());
      byte[] leaf = leafHash(i);
      proof.verify(leaf, keys);
      byte[] flipped = leaf.clone();
      flipped[3] ^= 1;
      assertThrows(Exception.class, () -> proof.verify(flipped, keys), "a changed leaf must not verify at " + i);
    }
    Checkpoint earlyCp = open(early.getString("note"));
    String lines = audit.request(Addresses.AUDIT_CONSISTENCY, new JsonObject().put("v", 1)
        .put("from", earlyCp.size()).put("to", lateCp.size())).getString("hashes");
    List<byte[]> hashes = lines.lines().map(l -> Base64.getDecoder().decode(l)).toList();
    Proofs.verifyConsistency(earlyCp.size(), lateCp.size(), hashes, earlyCp.rootHash(), lateCp.rootHash());

    ReplyException beyond = audit.failure(Addresses.AUDIT_PROOF, new JsonObject().put("v", 1).put("index", lateCp.size() + 1_000_000));
    assertEquals(404, beyond.failureCode());
    assertEquals("audit.not_covered", AuditHarness.code(beyond));
  }

  private static byte[] leafHash(long index) throws SQLException {
    try (Connection c = audit.db.jdbc(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT entry FROM audit.entries WHERE idx = " + index)) {
      assertTrue(rs.next());
      return MerkleHash.leafHash(rs.getBytes(1));
    }
  }

  @Test
  void exportBundlesVerifyOfflineForTheLedgerAndForOneTenant() throws Exception {
    audit.appendMany(400, "t-exp-a");
    long[] b = audit.appendMany(50, "t-exp-b");
    audit.awaitCheckpoint(b[b.length - 1] + 1);
    List<VerifierKey> keys = trusted();

    JsonObject whole = audit.request(Addresses.AUDIT_EXPORT, new JsonObject().put("v", 1).put("from", 3L)).getJsonObject("bundle");
    assertEquals("ledger", whole.getString("scope"));
    Path file = tmp.resolve("ledger.json");
    Files.writeString(file, whole.encode());
    VerificationResult ok = BundleVerifier.verifyFile(file, keys);
    assertTrue(ok.verified(), ok.toJson());

    JsonObject tenant = audit.request(Addresses.AUDIT_EXPORT, new JsonObject().put("v", 1).put("tenant", "t-exp-b")).getJsonObject("bundle");
    assertEquals(50, tenant.getJsonArray("entries").size());
    tenant.getJsonArray("entries").forEach(o -> assertEquals("t-exp-b", ((JsonObject) o).getJsonObject("entry").getString("tenant")));
    Path tfile = tmp.resolve("tenant.json");
    Files.writeString(tfile, tenant.encode());
    VerificationResult tok = BundleVerifier.verifyFile(tfile, keys);
    assertTrue(tok.verified(), tok.toJson());

    String csv = audit.request(Addresses.AUDIT_EXPORT, new JsonObject().put("v", 1).put("tenant", "t-exp-b").put("format", "csv"))
        .getString("csv");
    List<String> rows = csv.lines().toList();
    assertEquals("index,time,category,tenant,actor,action,outcome,target,requestId,sourceIp,details,leafHash", rows.get(0));
    assertEquals(51, rows.size());

    ReplyException tooFar = audit.failure(Addresses.AUDIT_EXPORT, new JsonObject().put("v", 1).put("to", 1L << 40));
    assertEquals(404, tooFar.failureCode());
  }

  @Test
  void searchFiltersByTenantActorAndRequestIdAndPagesWithoutOverlap() {
    audit.appendMany(120, "t-search");
    audit.appendMany(30, "t-other");
    Set<Long> seen = new HashSet<>();
    Long cursor = null;
    do {
      JsonObject q = new JsonObject().put("v", 1).put("tenant", "t-search").put("limit", 50);
      if (cursor != null) {
        q.put("cursor", cursor);
      }
      JsonObject page = audit.request(Addresses.AUDIT_SEARCH, q);
      for (Object o : page.getJsonArray("entries")) {
        JsonObject e = (JsonObject) o;
        assertEquals("t-search", e.getString("tenant"));
        assertTrue(seen.add(e.getLong("index")), "entry listed twice: " + e.getLong("index"));
      }
      cursor = page.getLong("nextCursor");
    } while (cursor != null);
    assertEquals(120, seen.size());

    JsonObject byActor = audit.request(Addresses.AUDIT_SEARCH, new JsonObject().put("v", 1).put("tenant", "t-search").put("actor", "actor-3"));
    assertFalse(byActor.getJsonArray("entries").isEmpty());
    byActor.getJsonArray("entries").forEach(o -> assertEquals("actor-3", ((JsonObject) o).getString("actor")));
    String requestId = byActor.getJsonArray("entries").getJsonObject(0).getString("requestId");
    JsonObject byRequest = audit.request(Addresses.AUDIT_SEARCH, new JsonObject().put("v", 1).put("requestId", requestId));
    assertEquals(1, byRequest.getJsonArray("entries").size());
    JsonObject future = audit.request(Addresses.AUDIT_SEARCH, new JsonObject().put("v", 1).put("tenant", "t-search")
        .put("from", "2999-01-01T00:00:00Z"));
    assertTrue(future.getJsonArray("entries").isEmpty());
    java.time.Instant now = java.time.Instant.now();
    JsonObject window = audit.request(Addresses.AUDIT_SEARCH, new JsonObject().put("v", 1).put("tenant", "t-search")
        .put("from", now.minusSeconds(600).toString()).put("to", now.plusSeconds(600).toString()).put("limit", 500));
    assertEquals(120, window.getJsonArray("entries").size(), "a time window around the appends finds them all");
    JsonObject before = audit.request(Addresses.AUDIT_SEARCH, new JsonObject().put("v", 1).put("tenant", "t-search")
        .put("to", now.minusSeconds(600).toString()));
    assertTrue(before.getJsonArray("entries").isEmpty());
    assertEquals(400, audit.failure(Addresses.AUDIT_SEARCH, new JsonObject().put("v", 1).put("from", "yesterday")).failureCode());
    assertEquals(400, audit.failure(Addresses.AUDIT_SEARCH, new JsonObject().put("v", 1).put("limit", 100_000)).failureCode());
  }

  @Test
  void badEventsAreRefusedAndNothingIsAppended() throws Exception {
    long before = audit.count("SELECT count(*) FROM audit.entries");
    JsonObject good = AuditHarness.event("t1", "alice", "user.login", "success").toJson();
    List<JsonObject> bad = List.of(
        good.copy().put("surprise", 1),
        good.copy().put("actor", 42),
        good.copy().putNull("actor"),
        good.copy().put("outcome", "maybe"),
        good.copy().put("details", "not an object"),
        good.copy().put("details", new JsonObject().put("big", 1L << 60)),
        good.copy().put("details", new JsonObject().put("blob", "x".repeat(20_000))));
    for (JsonObject event : bad) {
      ReplyException e = audit.failure(Addresses.AUDIT_APPEND, new JsonObject().put("v", 1).put("idempotencyId", "bad-1").put("event", event));
      assertEquals(400, e.failureCode(), event.encode());
      assertEquals("validation.failed", AuditHarness.code(e));
    }
    assertEquals(400, audit.failure(Addresses.AUDIT_APPEND, new JsonObject().put("v", 1).put("event", good)).failureCode());
    assertEquals(400, audit.failure(Addresses.AUDIT_APPEND, new JsonObject().put("v", 1).put("idempotencyId", "x").put("event", "str")).failureCode());
    // one bad event in a batch refuses the whole batch
    JsonArray events = new JsonArray().add(new JsonObject().put("idempotencyId", "ok-1").put("event", good))
        .add(new JsonObject().put("idempotencyId", "bad-2").put("event", good.copy().put("actor", List.of())));
    ReplyException batch = audit.failure(Addresses.AUDIT_APPEND, new JsonObject().put("v", 1).put("events", events));
    assertEquals(400, batch.failureCode());
    assertTrue(new JsonObject(batch.getMessage()).getString("detail").startsWith("events[1]"), batch.getMessage());
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 1001; i++) {
      tooMany.add(new JsonObject().put("idempotencyId", "many-" + i).put("event", good));
    }
    assertEquals(400, audit.failure(Addresses.AUDIT_APPEND, new JsonObject().put("v", 1).put("events", tooMany)).failureCode());
    assertEquals(400, audit.failure(Addresses.AUDIT_APPEND, new JsonObject().put("v", 2).put("idempotencyId", "v2").put("event", good)).failureCode());
    assertEquals(before, audit.count("SELECT count(*) FROM audit.entries"));
  }

  @Test
  void theDatabaseRefusesToRewriteHistory() throws Exception {
    audit.appendMany(260, "t-immutable");
    audit.awaitCheckpoint(audit.count("SELECT max(idx) + 1 FROM audit.entries"));
    for (String sql : List.of(
        "UPDATE audit.entries SET actor = 'mallory' WHERE idx = 0",
        "DELETE FROM audit.entries WHERE idx = 0",
        "TRUNCATE audit.entries",
        "UPDATE audit.tiles SET hashes = hashes WHERE level = 0",
        "DELETE FROM audit.tiles",
        "UPDATE audit.checkpoints SET note = 'x'",
        "DELETE FROM audit.checkpoints",
        "DELETE FROM audit.signing_keys",
        "SELECT audit.prune_entries(10)")) {
      SQLException e = assertThrows(SQLException.class, () -> audit.exec(sql), sql);
      assertTrue(e.getMessage().contains("append-only"), sql + ": " + e.getMessage());
    }
  }
}
