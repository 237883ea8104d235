package io.bulwark.gateway.compliance;

import io.bulwark.gateway.alert.AlertRequests;
import io.bulwark.gateway.auth.AdminKeys;
import io.bulwark.gateway.backup.BackupRequests;
import io.bulwark.gateway.store.AdminKeyStore;
import io.bulwark.gateway.store.TenantStore;
import io.bulwark.gateway.tenant.KeyRecord;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The compliance report ({@code bulwark-compliance-report/v1}): the ledger's state (size, latest signed checkpoint and
 * its age, last verification), retention, the age of every key and secret the operator must rotate, the state of
 * backups and the open alerts by severity. Scoped to a tenant it lists that tenant's keys; the operator's view (admin
 * or regulator) adds the admin keys, the backups' full summaries and the alerts by state.
 */
public final class ComplianceReport {
  public static final String FORMAT = "bulwark-compliance-report/v1";
  private final LedgerReads ledger;
  private final TenantStore tenants;
  private final AdminKeys adminKeys;
  private final AdminKeyStore adminStore;
  private final int maxKeyAgeDays;
  private final BackupRequests backups;
  private final AlertRequests alerts;

  public ComplianceReport(LedgerReads ledger, TenantStore tenants, AdminKeys adminKeys, AdminKeyStore adminStore,
                          int maxKeyAgeDays, BackupRequests backups, AlertRequests alerts) {
    this.backups = backups;
    this.alerts = alerts;
    this.ledger = ledger;
    this.tenants = tenants;
    this.adminKeys = adminKeys;
    this.adminStore = adminStore;
    this.maxKeyAgeDays = maxKeyAgeDays;
  }

  /**
   * The report for one tenant, or the whole system when {@code tenant} is null; {@code operatorView} adds what only
   * operators and regulators see (admin key fingerprints and ages). Fails with 404 for an unknown tenant.
   */
  public Future<JsonObject> build(String tenant, boolean operatorView) {
    return build(tenant, operatorView, backups());
  }

  /** backup-service's state, read once; never fails (see {@link BackupSection}). */
  Future<BackupSection> backups() {
    return BackupSection.read(backups);
  }

  /** As {@link #build(String, boolean)}, with backup state already asked for (a pack shows the same state twice). */
  Future<JsonObject> build(String tenant, boolean operatorView, Future<BackupSection> backupState) {
    Instant now = Instant.now();
    Future<JsonObject> tenantKeys = tenant == null
        ? tenants.usableKeyAges(maxKeyAgeDays).map(summary -> summary.put("maxAgeDays", maxKeyAgeDays))
        : tenants.tenant(tenants.pool(), tenant, false).compose(t -> t.isEmpty()
            ? Future.failedFuture(new ApiException(404, ErrorCodes.TENANT_NOT_FOUND, "no tenant " + tenant))
            : tenants.keys(tenant).map(keys -> tenantKeys(keys, now)));
    Future<JsonObject> admin = operatorView
        ? adminStore.firstSeen(adminKeys.fingerprints()).map(seen -> adminKeys(seen, now))
        : Future.succeededFuture(null);
    Future<AlertSection> alertState = AlertSection.read(alerts);
    return Future.all(List.of(ledger.status(), tenantKeys, admin, backupState, alertState)).map(all -> {
      JsonObject status = all.resultAt(0);
      JsonObject keys = new JsonObject().put("signing", status.getJsonArray("signingKeys", new JsonArray()))
          .put("tenant", all.<JsonObject>resultAt(1));
      if (operatorView) {
        keys.put("admin", all.<JsonObject>resultAt(2));
      }
      return new JsonObject().put("format", FORMAT).put("generatedAt", now.toString())
          .put("scope", new JsonObject().put("tenant", tenant))
          .put("ledger", status.getJsonObject("ledger"))
          .put("retention", status.getJsonObject("retention"))
          .put("keys", keys)
          .put("backups", all.<BackupSection>resultAt(3).forReport(operatorView))
          .put("alerts", all.<AlertSection>resultAt(4).forReport(operatorView));
    });
  }

  private JsonObject tenantKeys(List<KeyRecord> keys, Instant now) {
    JsonArray list = new JsonArray();
    int due = 0;
    for (KeyRecord k : keys) {
      long age = Duration.between(k.createdAt(), now).toDays();
      boolean usable = k.refusal(now) == null;
      boolean rotationDue = usable && age >= maxKeyAgeDays;
      due += rotationDue ? 1 : 0;
      JsonObject full = k.toJson(now);
      list.add(new JsonObject().put("id", k.id()).put("name", k.name()).put("state", full.getString("state"))
          .put("usable", usable).put("createdAt", k.createdAt().toString()).put("ageDays", age)
          .put("expiresAt", full.getString("expiresAt")).put("rotationDue", rotationDue));
    }
    return new JsonObject().put("maxAgeDays", maxKeyAgeDays).put("rotationDue", due).put("keys", list);
  }

  private JsonObject adminKeys(Map<String, Instant> firstSeen, Instant now) {
    JsonArray list = new JsonArray();
    List<String> fingerprints = adminKeys.fingerprints();
    for (int i = 0; i < fingerprints.size(); i++) {
      String fp = fingerprints.get(i);
      Instant seen = firstSeen.get(fp);
      Long age = seen == null ? null : Duration.between(seen, now).toDays();
      list.add(new JsonObject().put("fingerprint", fp).put("current", i == 0).put("firstSeen", seen == null ? null : seen.toString())
          .put("ageDays", age).put("rotationDue", age != null && age >= maxKeyAgeDays));
    }
    return new JsonObject().put("maxAgeDays", maxKeyAgeDays).put("keys", list);
  }
}
