package io.bulwark.backup;

import io.bulwark.ledger.NoteException;
import io.bulwark.ledger.VerificationResult;
import io.bulwark.ledger.VerifierKey;
import io.bulwark.shared.ledgerdb.StoredLedgerVerifier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What a restored database must show before anyone may trust it: the migration heads and the exact row counts the
 * manifest recorded at dump time, and a ledger that verifies entry by entry against the signed checkpoint of the
 * manifest, with the verifier keys of the manifest (not the keys stored in the restored copy, which came with it).
 */
final class RestoredDatabaseCheck {
  static final int MAX_CHECKPOINTS = 2000;

  private RestoredDatabaseCheck() {}

  /** Appends a step per check to {@code steps}; fails with the first check that does not hold. */
  static Future<Void> run(Vertx vertx, Pool restored, JsonObject manifest, List<String> schemas, JsonArray steps) {
    long t0 = System.nanoTime();
    JsonObject expectedHeads = manifest.getJsonObject("migrationHeads", new JsonObject());
    return DatabaseFacts.heads(restored, schemas).compose(heads -> {
      steps.add(step("migration-heads", t0).put("expected", expectedHeads).put("actual", heads));
      if (!heads.equals(expectedHeads)) {
        return Future.failedFuture(new BackupFailure("migration-head-mismatch", "the restored database is at " + heads.encode()
            + "; the manifest recorded " + expectedHeads.encode()));
      }
      return ledger(vertx, restored, manifest, steps);
    }).compose(x -> {
      long t1 = System.nanoTime();
      JsonObject expected = manifest.getJsonObject("rowCounts", new JsonObject());
      return DatabaseFacts.rowCounts(restored, schemas).compose(actual -> {
        List<String> mismatched = new ArrayList<>();
        for (String table : new TreeSet<>(union(expected, actual))) {
          Object want = expected.getValue(table);
          Object got = actual.getValue(table);
          if (want == null || got == null || ((Number) want).longValue() != ((Number) got).longValue()) {
            mismatched.add(table + " " + got + " (manifest " + want + ")");
          }
        }
        steps.add(step("row-counts", t1).put("tables", actual.size()).put("rows", total(actual)).put("mismatched", new JsonArray(mismatched)));
        return mismatched.isEmpty() ? Future.<Void>succeededFuture()
            : Future.failedFuture(new BackupFailure("row-count-mismatch", "row counts differ from the manifest: " + String.join("; ", mismatched)));
      });
    });
  }

  private static Future<Void> ledger(Vertx vertx, Pool restored, JsonObject manifest, JsonArray steps) {
    long t0 = System.nanoTime();
    JsonObject ledger = manifest.getJsonObject("ledger");
    JsonObject checkpoint = ledger == null ? null : ledger.getJsonObject("checkpoint");
    if (checkpoint == null) {
      steps.add(step("ledger", t0).put("skipped", ledger == null ? "the backup holds no ledger" : "no signed checkpoint at dump time"));
      return Future.succeededFuture();
    }
    String note = checkpoint.getString("note");
    List<VerifierKey> keys = new ArrayList<>();
    for (Object k : ledger.getJsonArray("verifierKeys", new JsonArray())) {
      try {
        keys.add(VerifierKey.parse(String.valueOf(k)));
      } catch (NoteException e) {
        return Future.failedFuture(new BackupFailure("manifest-invalid", "the manifest holds a malformed verifier key: " + e.getMessage()));
      }
    }
    String origin = note.substring(0, Math.max(0, note.indexOf('\n')));
    return new StoredLedgerVerifier(vertx, restored, origin)
        .verify(new StoredLedgerVerifier.Options(keys, note, MAX_CHECKPOINTS))
        .compose(result -> {
          steps.add(step("ledger", t0).put("checkpointSize", checkpoint.getLong("size")).put("verification", json(result)));
          return result.verified() ? Future.<Void>succeededFuture() : Future.failedFuture(new BackupFailure("ledger-not-verified",
              "the restored ledger does not verify against the manifest's signed checkpoint: " + result.reason()
                  + (result.index() == null ? "" : " at index " + result.index()) + (result.detail() == null ? "" : " (" + result.detail() + ")")));
        });
  }

  static JsonObject json(VerificationResult result) {
    return new JsonObject(result.toJson());
  }

  static JsonObject step(String name, long startedNanos) {
    return new JsonObject().put("step", name).put("ms", (System.nanoTime() - startedNanos) / 1_000_000);
  }

  private static java.util.Set<String> union(JsonObject a, JsonObject b) {
    java.util.Set<String> all = new java.util.HashSet<>(a.fieldNames());
    all.addAll(b.fieldNames());
    return all;
  }

  private static long total(JsonObject counts) {
    long n = 0;
    for (String k : counts.fieldNames()) {
      n += counts.getLong(k);
    }
    return n;
  }
}
