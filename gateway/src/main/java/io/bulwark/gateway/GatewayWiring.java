package io.bulwark.gateway;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.gateway.alert.AlertRequests;
import io.bulwark.gateway.api.AlertApi;
import io.bulwark.gateway.api.ApiDocs;
import io.bulwark.gateway.api.AuditApi;
import io.bulwark.gateway.api.BackupApi;
import io.bulwark.gateway.api.ComplianceApi;
import io.bulwark.gateway.api.EventsApi;
import io.bulwark.gateway.api.NotificationsApi;
import io.bulwark.gateway.api.RegulatorApi;
import io.bulwark.gateway.api.TenantApi;
import io.bulwark.gateway.audit.DecisionLog;
import io.bulwark.gateway.auth.AdminKeys;
import io.bulwark.gateway.auth.Authenticator;
import io.bulwark.gateway.auth.Identity;
import io.bulwark.gateway.backup.BackupRequests;
import io.bulwark.gateway.compliance.ComplianceReport;
import io.bulwark.gateway.compliance.EvidencePacks;
import io.bulwark.gateway.compliance.LedgerReads;
import io.bulwark.gateway.compliance.OrgExport;
import io.bulwark.gateway.health.DetailedHealth;
import io.bulwark.gateway.mfa.MfaGuard;
import io.bulwark.gateway.mfa.MfaOperators;
import io.bulwark.gateway.mfa.TotpVerifier;
import io.bulwark.gateway.mfa.UsedSteps;
import io.bulwark.gateway.proxy.ProxyRoutes;
import io.bulwark.gateway.proxy.RouteFile;
import io.bulwark.gateway.proxy.UpstreamProxy;
import io.bulwark.gateway.ratelimit.RateLimiter;
import io.bulwark.gateway.regulator.AccessCodes;
import io.bulwark.gateway.regulator.RegulatorPortal;
import io.bulwark.gateway.store.AdminKeyStore;
import io.bulwark.gateway.store.EvidenceStore;
import io.bulwark.gateway.store.RegulatorSessionStore;
import io.bulwark.gateway.store.TenantStore;
import io.bulwark.gateway.tenant.TenantService;
import io.bulwark.gateway.traffic.ReadOnlyGuard;
import io.bulwark.gateway.traffic.RequestLimits;
import io.bulwark.gateway.traffic.RouteAuth;
import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.config.ServiceConfig;
import io.bulwark.shared.management.Readiness;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the gateway's handlers from its parts — the one place the APIs, authentication, limits and proxy are put
 * together, used by {@link GatewayVerticle} and by the test that checks every route the router serves is documented.
 * Nothing here does I/O: stores and clients only connect when a request needs them.
 */
final class GatewayWiring {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayWiring.class);
  private GatewayWiring() {}

  /** The parts, and what of them the verticle must start and stop. */
  record Wired(TrafficRoutes traffic, Identity identity, UpstreamProxy upstream, RegulatorPortal portal) {}

  /** What the wiring takes from the running service. */
  record Parts(Vertx vertx, ServiceConfig config, Pool pool, MeterRegistry registry, Readiness readiness, AdminKeys adminKeys,
               Predicate<AuditEvent> spool, RateLimiter limiter, RouteFile routes, AccessCodes codes, ApiDocs apiDocs,
               int auditTimeoutMs) {}

  static Wired wire(Parts p) {
    ServiceConfig config = p.config();
    Vertx vertx = p.vertx();
    TenantStore tenants = new TenantStore(p.pool());
    DecisionLog decisions = new DecisionLog(vertx.eventBus(), p.auditTimeoutMs(), p.spool(), p.registry());
    RegulatorPortal portal = new RegulatorPortal(p.codes(), new RegulatorSessionStore(p.pool()),
        Duration.ofSeconds(config.intRange("BULWARK_REGULATOR_TOKEN_TTL_S", 900, 1, 86_400)));
    Identity identity = new Identity(vertx, config, p.adminKeys(), tenants, decisions, portal);
    Authenticator auth = identity.authenticator();
    RequestLimits limits = new RequestLimits(p.limiter(), decisions, auth, identity.client());
    Authenticator limited = auth.then(
        limits.policies("BULWARK_API_RATE_LIMITS", names(config.string("BULWARK_API_RATE_LIMITS", ""))));
    var admin = auth.admin();
    var reader = limited.require(Identity.READERS, Set.of("audit:read"));
    var writer = limited.require(Identity.READERS, Set.of("audit:write"));

    UpstreamProxy upstream = new UpstreamProxy(vertx, p.registry());
    ProxyRoutes proxy = new ProxyRoutes(p.routes(), upstream);
    TenantService tenantService = new TenantService(tenants, decisions, vertx.eventBus(), identity::forget);
    LedgerReads ledger = new LedgerReads(vertx.eventBus(), p.auditTimeoutMs());
    // asked to wait, a run or restore answers when it is done: as long as a dump or pg_restore of the whole database
    BackupRequests backups = new BackupRequests(vertx.eventBus(), p.auditTimeoutMs(),
        config.intRange("BULWARK_BACKUP_WAIT_TIMEOUT_MS", 50_000, 1000, 86_400_000));
    AlertRequests alerts = new AlertRequests(vertx.eventBus(), p.auditTimeoutMs());
    ComplianceReport report = new ComplianceReport(ledger, tenants, p.adminKeys(), new AdminKeyStore(p.pool()),
        config.intRange("BULWARK_KEY_MAX_AGE_DAYS", 90, 1, 3650), backups, alerts);
    // a bad entry refuses start-up (the ConfigException fails the verticle's start), naming the entry, never its secret
    MfaOperators operators = MfaOperators.parse(config.string(MfaOperators.SETTING, ""));
    List<String> strays = operators.strays(p.adminKeys().fingerprints());
    if (!strays.isEmpty()) {
      LOG.warn("operators enrolled in {} for an admin key this gateway does not accept: {}", MfaOperators.SETTING, strays,
          kv("event", "mfa.enrolment_unmatched"));
    }
    MfaGuard mfa = new MfaGuard(new TotpVerifier(operators, Clock.systemUTC()), new UsedSteps(p.pool()), decisions, auth);
    AlertApi alertApi = AlertApi.create(alerts, decisions, identity.client(), mfa,
        Duration.ofDays(config.intRange("BULWARK_ALERT_SILENCE_MAX_DAYS", 90, 1, 3650)));
    EvidenceStore evidence = new EvidenceStore(p.pool());
    ComplianceApi compliance = new ComplianceApi(new DetailedHealth(vertx, p.readiness(), config.readinessTimeoutMs()), report,
        new EvidencePacks(vertx, ledger, report, evidence, decisions), new OrgExport(ledger, tenants, evidence), identity.client());
    RegulatorApi regulator = new RegulatorApi(portal, auth, decisions, compliance, ledger, p.readiness(), identity.client());
    TrafficRoutes traffic = new TrafficRoutes(new EventsApi(vertx.eventBus(), p.auditTimeoutMs()),
        new AuditApi(vertx.eventBus(), p.auditTimeoutMs()), new TenantApi(tenantService, identity.client()), compliance,
        regulator, new BackupApi(backups, decisions, identity.client()), alertApi,
        new NotificationsApi(alerts, decisions, identity.client()), new ReadOnlyGuard(auth, decisions), admin, reader, writer, proxy,
        new RouteAuth(auth, limits.forRoute(proxy.forwarder())), p.apiDocs());
    return new Wired(traffic, identity, upstream, portal);
  }

  private static List<String> names(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(n -> !n.isEmpty()).toList();
  }
}
