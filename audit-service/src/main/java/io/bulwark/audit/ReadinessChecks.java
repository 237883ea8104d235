package io.bulwark.audit;

import io.bulwark.audit.ledger.Ledger;
import io.bulwark.audit.ledger.WriterElection;
import io.bulwark.audit.retention.RetentionWorker;
import io.bulwark.shared.ledgerdb.CheckpointStore;
import io.bulwark.shared.management.Readiness;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** audit-service's own readiness checks: writer role, signing key, retention worker. */
final class ReadinessChecks {
  private ReadinessChecks() {}

  static void register(Readiness readiness, Ledger ledger, CheckpointStore checkpoints, RetentionWorker retention) {
    readiness.register("writer", true, () -> ledger.role() == WriterElection.Role.STOPPED
        ? Future.failedFuture("the ledger writer has stopped")
        : Future.succeededFuture(new JsonObject().put("role", ledger.role().name().toLowerCase(java.util.Locale.ROOT))
            .put("treeSize", ledger.committedSize() < 0 ? null : ledger.committedSize())));
    // Present and parsed (a signer exists at all), and registered as one of the ledger's identities.
    readiness.register("signing-key", true, () -> checkpoints.keys().compose(keys -> {
      boolean registered = keys.stream().anyMatch(k -> k.keyId().equals(ledger.keyId()));
      JsonObject data = new JsonObject().put("keyId", ledger.keyId()).put("registered", registered);
      if (registered || ledger.role() != WriterElection.Role.LEADER && keys.isEmpty()) {
        return Future.succeededFuture(data);
      }
      return Future.failedFuture("signing key " + ledger.keyId() + " is not a registered identity of this ledger");
    }));
    // Optional: a stuck archive must not take the ledger out of service; it shows as DEGRADED.
    readiness.register("worker", false, retention::health);
  }
}
