package io.bulwark.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bulwark.ledger.BundleVerifier;
import io.bulwark.ledger.Checkpoint;
import io.bulwark.ledger.NoteException;
import io.bulwark.ledger.SignedNote;
import io.bulwark.ledger.VerificationResult;
import io.bulwark.ledger.VerifierKey;
import java.nio.file.Path;
import java.util.List;

/**
 * The offline check of an evidence folder, as {@code verification.json} holds it: the audit bundle against the trusted
 * keys (the same check as {@code bulwark verify}), the checkpoint's signature, and whether every entry is the org's.
 */
record PackVerification(VerificationResult bundle, CheckpointCheck checkpoint, OrgExport.BundleScope scope, String org,
    String keysSource, int keyCount) {
  /** Entries of another tenant in an org's pack: evidence that leaks, or a bundle of the wrong org. */
  static final String OTHER_TENANT = "other-tenant-entries";
  /** The bundle says it is another tenant's. */
  static final String WRONG_TENANT = "wrong-tenant";

  /** What the signed checkpoint note said and who signed it, or why it does not verify. */
  record CheckpointCheck(boolean verified, String reason, String origin, Long size, List<String> signedBy,
      String detail) {}

  static PackVerification run(Path auditBundle, String checkpointNote, List<VerifierKey> trusted, OrgExport export,
      String org, String keysSource) {
    return new PackVerification(BundleVerifier.verifyFile(auditBundle, trusted), checkpoint(checkpointNote, trusted),
        export.scope(), org, keysSource, trusted.size());
  }

  static CheckpointCheck checkpoint(String note, List<VerifierKey> trusted) {
    try {
      SignedNote.Opened opened = SignedNote.open(note, trusted);
      Checkpoint cp = Checkpoint.parse(opened.body());
      return new CheckpointCheck(true, VerificationResult.OK, cp.origin(), cp.size(),
          opened.verifiedBy().stream().map(VerifierKey::name).toList(), null);
    } catch (NoteException e) {
      return new CheckpointCheck(false, e.reason(), null, null, List.of(), BulwarkCli.singleLine(e.getMessage()));
    }
  }

  boolean verified() {
    return reason().equals(VerificationResult.OK);
  }

  /** The first thing wrong, in the order an auditor would ask: the entries, then the checkpoint, then whose they are. */
  String reason() {
    if (!bundle.verified()) {
      return bundle.reason();
    }
    if (!checkpoint.verified()) {
      return "checkpoint-" + checkpoint.reason();
    }
    if (scope.tenant() != null && !scope.tenant().equals(org)) {
      return WRONG_TENANT;
    }
    if (scope.otherTenantEntries() > 0) {
      return OTHER_TENANT;
    }
    return VerificationResult.OK;
  }

  /** One line for stdout: the verdict and where to look. */
  String verdict() {
    if (verified()) {
      return "verified: " + scope.entries() + " entries of " + org + ", checkpoint of size " + checkpoint.size()
          + " signed by " + String.join(", ", checkpoint.signedBy());
    }
    String where = !bundle.verified() && bundle.index() != null ? " at index " + bundle.index() : "";
    return "NOT verified: " + reason() + where + " (see verification.json)";
  }

  ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("verified", verified());
    root.put("reason", reason());
    root.put("index", bundle.verified() ? null : bundle.index());
    ObjectNode b = root.putObject("bundle");
    b.put("file", "audit-bundle.json");
    b.setAll(bundle.toJsonNode());
    ObjectNode c = root.putObject("checkpoint");
    c.put("file", "checkpoint.txt");
    c.put("verified", checkpoint.verified());
    c.put("reason", checkpoint.reason());
    c.put("origin", checkpoint.origin());
    c.put("size", checkpoint.size());
    ArrayNode signers = c.putArray("signedBy");
    checkpoint.signedBy().forEach(signers::add);
    c.put("detail", checkpoint.detail());
    ObjectNode s = root.putObject("scope");
    s.put("org", org);
    s.put("bundleScope", scope.scope());
    s.put("bundleTenant", scope.tenant());
    s.put("entries", scope.entries());
    s.put("otherTenantEntries", scope.otherTenantEntries());
    ObjectNode k = root.putObject("keys");
    k.put("file", "keys.txt");
    k.put("source", keysSource);
    k.put("count", keyCount);
    return root;
  }
}
