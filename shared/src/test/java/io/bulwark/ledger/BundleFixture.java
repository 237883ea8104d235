package io.bulwark.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Builds exports the way the audit-service does: entries are canonical JSON holding their index, the tree and the
 * signed checkpoints come from the untampered ledger, and {@link #leaves} / {@link #recorded} can then be tampered
 * with like rows and tiles in the database before exporting.
 */
public final class BundleFixture {
  public static final String ORIGIN = "bulwark.local/audit";
  static final ObjectMapper JSON = new ObjectMapper();

  final NoteSigner signer;
  final MemoryTree tree;
  /** The entry bytes as the export will see them (tamper here). */
  public final List<byte[]> leaves = new ArrayList<>();
  /** The leaf hashes recorded in the tiles (tamper here). */
  final List<byte[]> recorded = new ArrayList<>();

  public BundleFixture(int size, NoteSigner signer) {
    this.signer = signer;
    List<byte[]> hashes = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      byte[] leaf = entry(i, "user-" + i, "t" + (i % 3));
      leaves.add(leaf);
      hashes.add(MerkleHash.leafHash(leaf));
    }
    recorded.addAll(hashes);
    tree = new MemoryTree(hashes);
  }

  /** A canonical ~300-byte entry; details hold a nested "index" so a sloppy index lookup would be caught. */
  public static byte[] entry(long index, String actor, String tenant) {
    ObjectNode e = JSON.createObjectNode();
    e.put("index", index);
    e.put("time", "2025-01-02T03:04:05.678Z");
    e.put("category", "auth");
    e.put("tenant", tenant);
    e.put("actor", actor);
    e.put("action", "login");
    e.put("outcome", "success");
    e.put("target", "session/" + (index * 7919 % 100_000));
    e.put("requestId", "req-" + Long.toHexString(index * 2654435761L));
    e.put("sourceIp", "10.0." + (index % 256) + "." + (index * 7 % 256));
    e.putObject("details").put("index", "nested").put("attempt", index % 5).put("note", "é and \"quotes\"");
    return CanonicalJson.encode(e);
  }

  String checkpointNote(long size) {
    return signer.sign(new Checkpoint(ORIGIN, size, tree.mth(0, (int) size)).body());
  }

  private List<String> b64(List<byte[]> hashes) {
    return hashes.stream().map(h -> Base64.getEncoder().encodeToString(h)).toList();
  }

  private ArrayNode array(List<String> values) {
    ArrayNode a = JSON.createArrayNode();
    values.forEach(a::add);
    return a;
  }

  private List<byte[]> nodes(List<Subtree> parts) {
    return parts.stream().map(s -> tree.mth((int) s.start(), (int) s.end())).toList();
  }

  /** A ledger-scope bundle of entries [from, to) with checkpoints at the given sizes. */
  public ObjectNode ledgerBundle(long from, long to, long... sizes) {
    ObjectNode b = header("ledger", null, from, to);
    b.set("leftEdge", array(b64(nodes(ProofPlan.decompose(0, from)))));
    checkpoints(b, to, sizes);
    ArrayNode entries = b.putArray("entries");
    for (long i = from; i < to; i++) {
      entries.add(entryNode(i));
    }
    return b;
  }

  /** A tenant-scope bundle: the tenant's entries with inclusion proofs against the last checkpoint. */
  ObjectNode tenantBundle(String tenant, long... sizes) {
    long last = sizes[sizes.length - 1];
    ObjectNode b = header("tenant", tenant, 0, last);
    checkpoints(b, last, sizes);
    ArrayNode entries = b.putArray("entries");
    for (int i = 0; i < last; i++) {
      if (i % 3 == Integer.parseInt(tenant.substring(1))) {
        ObjectNode e = entryNode(i);
        e.set("proof", array(b64(ProofPlan.resolve(ProofPlan.inclusion(i, last), tree.fromTiles()))));
        entries.add(e);
      }
    }
    return b;
  }

  private ObjectNode header(String scope, String tenant, long from, long to) {
    ObjectNode b = JSON.createObjectNode();
    b.put("format", "bulwark-audit-bundle/v1");
    b.put("origin", ORIGIN);
    b.put("scope", scope);
    b.put("tenant", tenant);
    b.put("from", from);
    b.put("to", to);
    b.putArray("keys").add(signer.verifierKey().encode());
    return b;
  }

  private void checkpoints(ObjectNode b, long to, long... sizes) {
    ArrayNode cps = b.putArray("checkpoints");
    for (long size : sizes) {
      ObjectNode cp = cps.addObject();
      cp.put("note", checkpointNote(size));
      cp.set("rightEdge", array(b64(size > to ? nodes(ProofPlan.decompose(to, size)) : List.of())));
    }
    ArrayNode cons = b.putArray("consistency");
    for (int i = 1; i < sizes.length; i++) {
      ObjectNode c = cons.addObject();
      c.put("from", sizes[i - 1]);
      c.put("to", sizes[i]);
      c.set("proof", array(b64(ProofPlan.resolve(ProofPlan.consistency(sizes[i - 1], sizes[i]), tree.fromTiles()))));
    }
  }

  ObjectNode entryNode(long i) {
    ObjectNode e = JSON.createObjectNode();
    e.put("index", i);
    byte[] leaf = leaves.get((int) i);
    e.put("leaf", Base64.getEncoder().encodeToString(leaf));
    e.put("hash", Base64.getEncoder().encodeToString(recorded.get((int) i)));
    JsonNode parsed = CanonicalJson.parse(leaf);
    if (parsed != null) {
      e.set("entry", parsed);
    }
    return e;
  }

  public Path write(Path dir, JsonNode bundle) throws IOException {
    Path f = Files.createTempFile(dir, "bundle", ".json");
    JSON.writeValue(f.toFile(), bundle);
    return f;
  }

  /** Writes segment-from-to.jsonl.gz and its manifest; returns the manifest. */
  public Path writeSegment(Path dir, long from, long to, long checkpointSize) throws Exception {
    String name = "segment-" + from + "-" + to;
    Path data = dir.resolve(name + ".jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(data))) {
      for (long i = from; i < to; i++) {
        ObjectNode line = JSON.createObjectNode();
        line.put("index", i);
        line.put("leaf", Base64.getEncoder().encodeToString(leaves.get((int) i)));
        line.put("hash", Base64.getEncoder().encodeToString(recorded.get((int) i)));
        out.write((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] gz = Files.readAllBytes(data);
    ObjectNode m = JSON.createObjectNode();
    m.put("format", "bulwark-audit-segment/v1");
    m.put("origin", ORIGIN);
    m.put("from", from);
    m.put("to", to);
    m.put("file", data.getFileName().toString());
    m.put("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(gz)));
    m.put("bytes", gz.length);
    m.set("leftEdge", array(b64(nodes(ProofPlan.decompose(0, from)))));
    ObjectNode cp = m.putObject("checkpoint");
    cp.put("note", checkpointNote(checkpointSize));
    cp.set("rightEdge", array(b64(checkpointSize > to ? nodes(ProofPlan.decompose(to, checkpointSize)) : List.of())));
    m.putArray("keys").add(signer.verifierKey().encode());
    m.put("createdAt", "2025-01-02T03:04:05Z");
    Path manifest = dir.resolve(name + ".manifest.json");
    JSON.writeValue(manifest.toFile(), m);
    return manifest;
  }
}
