package io.bulwark.gateway.compliance;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.gateway.audit.DecisionLog;
import io.bulwark.gateway.store.EvidenceStore;
import io.bulwark.gateway.store.EvidenceStore.Pack;
import io.bulwark.gateway.tenant.TenantService.Actor;
import io.bulwark.shared.bus.AuditEvent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evidence packs ({@code bulwark-evidence-pack/v1}): a tenant's compliance report, the latest signed checkpoint, the
 * ledger's verifier keys, the latest backup's manifest (null, with a note saying why, when there is none or
 * backup-service did not answer) and the tenant's export bundle up to that checkpoint, stored once as exact bytes.
 * Creating one fails closed: the pack is committed only after the ledger holds an entry with its SHA-256, so a pack can
 * later be shown to be the one that was made. The manifest is an optional member, so the format stays v1.
 */
public final class EvidencePacks {
  public static final String FORMAT = "bulwark-evidence-pack/v1";
  private static final Logger LOG = LoggerFactory.getLogger(EvidencePacks.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private final LedgerReads ledger;
  private final ComplianceReport report;
  private final EvidenceStore store;
  private final DecisionLog log;
  private final io.vertx.core.Vertx vertx;

  public EvidencePacks(io.vertx.core.Vertx vertx, LedgerReads ledger, ComplianceReport report, EvidenceStore store,
                       DecisionLog log) {
    this.vertx = vertx;
    this.ledger = ledger;
    this.report = report;
    this.store = store;
    this.log = log;
  }

  /**
   * Builds and stores a pack for {@code tenant} covering its entries in [from, to) ({@code to} defaults to the latest
   * checkpoint, which the pack carries, so the bundle's newest checkpoint is that one).
   */
  public Future<Pack> create(String tenant, String tag, Long from, Long to, Actor by) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    String id = newId();
    // asked once: the report's backups section and the manifest describe the same moment
    Future<BackupSection> backups = report.backups();
    return Future.all(report.build(tenant, false, backups), ledger.checkpoint(), ledger.verifierKeys(), backups).compose(parts -> {
      LedgerReads.SignedCheckpoint cp = parts.resultAt(1);
      BackupSection backup = parts.resultAt(3);
      JsonArray notes = new JsonArray();
      if (backup.manifestNote() != null) {
        notes.add(backup.manifestNote());
      }
      return ledger.bundleJson(tenant, from, to == null ? cp.size() : to).compose(bundle -> {
        JsonObject pack = new JsonObject().put("format", FORMAT).put("id", id).put("tenant", tenant).put("tag", tag)
            .put("createdAt", now.toString()).put("createdBy", by.actor()).put("requestId", by.requestId())
            .put("report", parts.<JsonObject>resultAt(0))
            .put("checkpoint", new JsonObject().put("size", cp.size()).put("createdAt", cp.createdAt()).put("note", cp.note()))
            .put("keys", new JsonArray(parts.<List<String>>resultAt(2)))
            .put("backupManifest", backup.manifest())
            .put("notes", notes)
            .put("verification", instructions(id, cp.size()));
        // tens of megabytes to splice and hash: a worker thread does it, not the event loop serving traffic
        return vertx.executeBlocking(() -> {
          Buffer bytes = JsonSplice.withMember(pack, "export", bundle.json());
          return new Encoded(bytes, sha256(bytes.getBytes()), bundle.entries(), cp.size());
        }, false);
      });
    }).compose(encoded -> store(encoded, id, tenant, tag, now, by));
  }

  /** A pack's exact bytes, their SHA-256, and what its summary states. */
  private record Encoded(Buffer bytes, byte[] sha256, long entries, long checkpointSize) {}

  private Future<Pack> store(Encoded encoded, String id, String tenant, String tag, Instant now, Actor by) {
    Buffer bytes = encoded.bytes();
    byte[] sha = encoded.sha256();
    Pack row = new Pack(0, id, tenant, tag, now, by.actor(), by.requestId(), sha, bytes.length(), encoded.entries(),
        encoded.checkpointSize());
    AuditEvent event = new AuditEvent("audit", tenant, by.actor(), "compliance.evidence.create", "success", id, by.requestId(),
        by.sourceIp(), new JsonObject().put("sha256", HexFormat.of().formatHex(sha)).put("bytes", bytes.length())
            .put("entries", encoded.entries()).put("checkpointSize", encoded.checkpointSize()).put("tag", tag));
    return store.pool().withTransaction(tx -> store.insert(tx, row, bytes)
            .compose(saved -> log.required("gw:" + by.requestId() + ":evidence:" + id, event).map(ack -> saved)))
        .onSuccess(p -> LOG.info("evidence pack {} for {} by {}", id, tenant, by.actor(), kv("event", "compliance.evidence.create"),
            kv("tenant", tenant), kv("bytes", p.bytes()), kv("entries", p.entries())));
  }

  public Future<List<Pack>> list(String tenant, Long beforeSeq, int limit) {
    return store.list(tenant, beforeSeq, limit);
  }

  public Future<Optional<EvidenceStore.Content>> get(String id) {
    return store.content(id);
  }

  private static JsonObject instructions(String id, long checkpointSize) {
    return new JsonObject().put("steps", new JsonArray()
        .add("Save the member 'export' as audit-bundle.json and the lines of 'keys' as keys.txt (or use verifier keys"
            + " obtained from the operator independently: they are the trust anchor).")
        .add("Run: java -jar bulwark-cli.jar verify audit-bundle.json --keys-file keys.txt — it prints verified, the"
            + " failure reason and the failure index.")
        .add("The bundle's newest checkpoint covers tree size " + checkpointSize + " and equals the member 'checkpoint'.")
        .add("The SHA-256 of this file's exact bytes is in the ledger entry 'compliance.evidence.create' with target " + id
            + "; GET /compliance/evidence/" + id + " serves the same bytes (header Repr-Digest).")
        .add("The member 'backupManifest' is the manifest of the latest backup when the pack was made (its file's SHA-256,"
            + " the ledger size and signed checkpoint it holds, which verify with the same keys); when it is null,"
            + " 'notes' says why."));
  }

  private static String newId() {
    StringBuilder b = new StringBuilder("ev_");
    for (int i = 0; i < 20; i++) {
      b.append(ID_CHARS[RANDOM.nextInt(ID_CHARS.length)]);
    }
    return b.toString();
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
