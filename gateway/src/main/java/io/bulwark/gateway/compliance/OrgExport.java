package io.bulwark.gateway.compliance;

import io.bulwark.gateway.store.EvidenceStore;
import io.bulwark.gateway.store.TenantStore;
import io.bulwark.gateway.tenant.KeyRecord;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * Everything Bulwark holds about one tenant ({@code bulwark-org-export/v1}): the tenant, its keys (never their
 * hashes), its evidence packs, and its ledger entries as a verifiable bundle with the signed checkpoint and verifier
 * keys to check it against.
 */
public final class OrgExport {
  public static final String FORMAT = "bulwark-org-export/v1";
  /** Evidence packs listed in one export (their content is downloaded separately). */
  static final int MAX_PACKS = 1000;
  private final LedgerReads ledger;
  private final TenantStore tenants;
  private final EvidenceStore evidence;

  public OrgExport(LedgerReads ledger, TenantStore tenants, EvidenceStore evidence) {
    this.ledger = ledger;
    this.tenants = tenants;
    this.evidence = evidence;
  }

  /**
   * The export as bytes, with the request's id in it. The bundle (up to a full bundle of entries) is spliced in as
   * audit-service encoded it, on a worker thread.
   */
  public Future<Buffer> encoded(Vertx vertx, String tenant, String requestId) {
    Instant now = Instant.now();
    return tenants.tenant(tenants.pool(), tenant, false).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new ApiException(404, ErrorCodes.TENANT_NOT_FOUND, "no tenant " + tenant));
      }
      return Future.all(tenants.keys(tenant), evidence.list(tenant, null, MAX_PACKS), ledger.checkpoint(), ledger.verifierKeys())
          .compose(parts -> {
            LedgerReads.SignedCheckpoint cp = parts.resultAt(2);
            return ledger.bundleJson(tenant, null, cp.size()).compose(bundle -> {
              JsonArray keys = new JsonArray();
              parts.<List<KeyRecord>>resultAt(0).forEach(k -> keys.add(k.toJson(now)));
              JsonArray packs = new JsonArray();
              parts.<List<EvidenceStore.Pack>>resultAt(1).forEach(p -> packs.add(p.toJson()));
              JsonObject head = new JsonObject().put("format", FORMAT).put("exportedAt", now.toString())
                  .put("tenant", found.get().toJson()).put("keys", keys).put("evidencePacks", packs)
                  .put("checkpoint", cp.note()).put("verifierKeys", new JsonArray(parts.<List<String>>resultAt(3)))
                  .put("requestId", requestId);
              return vertx.executeBlocking(() -> JsonSplice.withMember(head, "audit", bundle.json()), false);
            });
          });
    });
  }
}
