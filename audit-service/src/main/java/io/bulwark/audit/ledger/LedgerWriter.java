package io.bulwark.audit.ledger;

import io.bulwark.audit.store.EntryStore;
import io.bulwark.shared.bus.AppendReply;
import io.bulwark.shared.bus.AppendRequest;
import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.http.ApiException;
import io.vertx.core.Future;
import java.util.Set;

/** Appends events to the ledger; a retried append (same idempotency id) returns the first entry's index. */
public final class LedgerWriter {
  private static final Set<String> OUTCOMES = Set.of("success", "failure", "denied");
  private static final Set<String> CATEGORIES = Set.of("audit", "system");
  private final EntryStore store;

  public LedgerWriter(EntryStore store) {
    this.store = store;
  }

  public Future<AppendReply> append(AppendRequest request) {
    AuditEvent e = request.event();
    if (request.idempotencyId() == null || request.idempotencyId().isBlank()) {
      throw ApiException.badRequest("idempotencyId is required");
    }
    if (e.actor() == null || e.action() == null || !OUTCOMES.contains(e.outcome()) || !CATEGORIES.contains(e.category())) {
      throw ApiException.badRequest("event needs actor, action, a known outcome and category");
    }
    return store.append(request.idempotencyId(), e);
  }
}
