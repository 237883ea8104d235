package io.bulwark.audit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.ledger.BundleVerifier;
import io.bulwark.ledger.VerificationResult;
import io.bulwark.shared.bus.Addresses;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant with more entries than one bundle may hold: without a start, its export takes the newest ones (and still
 * verifies); with an explicit range that is too large, the answer says to narrow it.
 */
class TenantExportIT {
  @TempDir
  Path tmp;

  @Test
  void aBusyTenantsExportHoldsItsNewestEntriesAndVerifies() throws Exception {
    try (AuditHarness audit = new AuditHarness("tenant_export", Map.of("BULWARK_AUDIT_MAX_EXPORT_ENTRIES", "20"))) {
      long[] busy = audit.appendMany(50, "t-busy");
      audit.appendMany(5, "t-quiet");
      audit.awaitCheckpoint(busy[busy.length - 1] + 6);

      JsonObject bundle = audit.request(Addresses.AUDIT_EXPORT, new JsonObject().put("v", 1).put("tenant", "t-busy"))
          .getJsonObject("bundle");
      JsonArray entries = bundle.getJsonArray("entries");
      assertEquals(20, entries.size());
      assertEquals(busy[30], entries.getJsonObject(0).getLong("index"), "the newest 20 of 50");
      assertEquals(busy[49], entries.getJsonObject(19).getLong("index"));
      assertEquals(busy[30], bundle.getLong("from"), "the bundle starts at the first entry it holds");
      Path file = tmp.resolve("busy.json");
      Files.writeString(file, bundle.encode());
      VerificationResult v = BundleVerifier.verifyFile(file, LedgerIT.trustedOf(audit));
      assertTrue(v.verified(), v.toJson());

      JsonObject quiet = audit.request(Addresses.AUDIT_EXPORT, new JsonObject().put("v", 1).put("tenant", "t-quiet"))
          .getJsonObject("bundle");
      assertEquals(5, quiet.getJsonArray("entries").size());

      ReplyException tooMany = audit.failure(Addresses.AUDIT_EXPORT, new JsonObject().put("v", 1).put("tenant", "t-busy")
          .put("from", 0L));
      assertEquals(400, tooMany.failureCode());
      assertEquals("audit.range_too_large", AuditHarness.code(tooMany));
    }
  }
}
