package io.bulwark.audit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.ledger.BundleVerifier;
import io.bulwark.ledger.NoteSigner;
import io.bulwark.ledger.VerificationResult;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestPostgres;
import io.bulwark.shared.test.TestServices;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rotating the signing key: the new key signs from then on; old checkpoints stay verifiable with the old identity. */
class KeyRotationIT {
  @TempDir
  Path tmp;

  @Test
  void checkpointsBeforeAndAfterARotationVerifyWithBothKeysAndOnlyTheNewOneReportsUnknownKey() throws Exception {
    NoteSigner oldKey = NoteSigner.generate("bulwark.local/audit");
    NoteSigner newKey = NoteSigner.generate("bulwark.local/audit");
    Path oldPem = tmp.resolve("old.pem");
    Files.writeString(oldPem, oldKey.privateKeyPem());
    TestPostgres db = TestPostgres.create("key_rotation");
    Map<String, String> env = new HashMap<>(Map.of("BULWARK_SIGNING_KEY", oldPem.toString()));
    try (AuditHarness audit = new AuditHarness(db, env)) {
      long[] before = audit.appendMany(40, "t-rot");
      audit.awaitCheckpoint(before[before.length - 1] + 1);
      audit.stop();

      // the new key given inline as PEM text instead of a path
      audit.env.put("BULWARK_SIGNING_KEY", newKey.privateKeyPem());
      audit.start();
      long[] after = audit.appendMany(40, "t-rot");
      audit.awaitCheckpoint(after[after.length - 1] + 1);

      JsonArray keys = audit.request(Addresses.AUDIT_KEYS, new JsonObject().put("v", 1)).getJsonArray("keys");
      assertEquals(2, keys.size(), keys.encode());
      assertEquals(oldKey.verifierKey().encode(), keys.getJsonObject(0).getString("vkey"));
      assertNotNull(keys.getJsonObject(0).getString("validTo"));
      assertEquals(newKey.verifierKey().encode(), keys.getJsonObject(1).getString("vkey"));
      assertNull(keys.getJsonObject(1).getString("validTo"));
      assertEquals(1, audit.count("SELECT count(*) FROM audit.entries WHERE action = 'audit.signing_key.registered'"
          + " AND entry_time > (SELECT min(entry_time) FROM audit.entries)"));

      String ready = Http.get("http://127.0.0.1:" + TestServices.managementPort(audit.running, "audit") + "/ready").body();
      JsonObject signing = new JsonObject(ready).getJsonObject("checks").getJsonObject("signing-key");
      assertEquals("UP", signing.getString("status"), ready);

      JsonObject bundle = audit.request(Addresses.AUDIT_EXPORT, new JsonObject().put("v", 1).put("from", 0L)).getJsonObject("bundle");
      Path file = tmp.resolve("bundle.json");
      Files.writeString(file, bundle.encode());
      VerificationResult both = BundleVerifier.verifyFile(file, List.of(oldKey.verifierKey(), newKey.verifierKey()));
      assertTrue(both.verified(), both.toJson());
      VerificationResult onlyNew = BundleVerifier.verifyFile(file, List.of(newKey.verifierKey()));
      assertFalse(onlyNew.verified());
      assertEquals("unknown-key", onlyNew.reason(), onlyNew.toJson());
    }
  }

  @Test
  void productionRefusesToStartWithoutAKeyAndABadKeyIsNamedButNotShown() {
    try (TestPostgres db = TestPostgres.create("key_required")) {
      Map<String, String> env = TestServices.env(db.databaseUrl(), List.of(io.bulwark.audit.AuditService.DEFINITION));
      env.put("BULWARK_ENV", "production");
      IllegalStateException missing = assertThrows(IllegalStateException.class,
          () -> TestServices.start(List.of(io.bulwark.audit.AuditService.DEFINITION), env));
      assertTrue(missing.getMessage().contains("BULWARK_SIGNING_KEY is required in production"), missing.getMessage());

      env.put("BULWARK_ENV", "test");
      String secret = "MC4CAQAwBQYDK2VwBCIEIBROKENKEYMATERIALSHOULDNEVERBELOGGED";
      env.put("BULWARK_SIGNING_KEY", "-----BEGIN PRIVATE KEY-----\n" + secret + "\n-----END PRIVATE KEY-----\n");
      IllegalStateException bad = assertThrows(IllegalStateException.class,
          () -> TestServices.start(List.of(io.bulwark.audit.AuditService.DEFINITION), env));
      assertTrue(bad.getMessage().contains("BULWARK_SIGNING_KEY is not a usable Ed25519 PKCS#8 key"), bad.getMessage());
      assertFalse(bad.getMessage().contains(secret), bad.getMessage());
    }
  }
}
