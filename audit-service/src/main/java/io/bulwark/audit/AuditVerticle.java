package io.bulwark.audit;

import io.bulwark.audit.bus.AppendIntake;
import io.bulwark.audit.bus.LedgerConsumers;
import io.bulwark.audit.bus.OperatorConsumers;
import io.bulwark.audit.export.ExportService;
import io.bulwark.audit.export.ProofService;
import io.bulwark.audit.keys.SigningKeySource;
import io.bulwark.audit.ledger.Ledger;
import io.bulwark.audit.retention.RetentionWorker;
import io.bulwark.audit.verify.LedgerVerification;
import io.bulwark.shared.bus.PingResponder;
import io.bulwark.shared.ledgerdb.CheckpointStore;
import io.bulwark.shared.ledgerdb.EntryStore;
import io.bulwark.shared.ledgerdb.TreeStore;
import io.bulwark.shared.lifecycle.ServiceContext;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Wires the ledger: key, election, writer, read consumers, retention and verification. */
public final class AuditVerticle extends VerticleBase {
  /** Most entries in one export bundle or CSV. */
  static final int MAX_EXPORT = 10_000;
  private final ServiceContext ctx;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private Ledger ledger;
  private RetentionWorker retention;
  private LedgerVerification verification;

  public AuditVerticle(ServiceContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Future<?> start() {
    LedgerSettings settings = LedgerSettings.from(ctx.config());
    AuditMetrics metrics = new AuditMetrics(ctx.registry());
    return vertx.executeBlocking(() -> SigningKeySource.load(settings, ctx.config().production())).compose(loaded -> {
      if (loaded.notice() != null) {
        ctx.notices().add(loaded.notice());
      }
      var pool = ctx.database().pool();
      EntryStore entries = new EntryStore(pool);
      CheckpointStore checkpoints = new CheckpointStore(pool);
      TreeStore tree = new TreeStore(pool);
      ledger = new Ledger(vertx, settings, loaded.signer(), pool, ctx.config().databaseUrl(), metrics);
      verification = new LedgerVerification(vertx, settings, pool, metrics, ledger);
      retention = new RetentionWorker(vertx, settings, pool, entries, checkpoints, tree, metrics);
      LedgerConsumers ledgerConsumers = new LedgerConsumers(ledger, entries, checkpoints, new ProofService(checkpoints, tree),
          new ExportService(vertx, settings.origin(), entries, checkpoints, tree,
              ctx.config().intRange("BULWARK_AUDIT_MAX_EXPORT_ENTRIES", MAX_EXPORT, 10, 1_000_000)));
      int intakes = ctx.config().intRange("BULWARK_AUDIT_INTAKE_INSTANCES", 2, 1, 16);
      ledger.addLeaderTask(new Ledger.LeaderTask() {
        private Future<String> deployment;

        @Override
        public void lead(Ledger l) {
          deployment = vertx.deployVerticle(() -> new AppendIntake(l), new DeploymentOptions().setInstances(intakes));
        }

        @Override
        public void standBy() {
          Future<String> d = deployment;
          deployment = null;
          if (d != null) {
            d.onSuccess(vertx::undeploy);
          }
        }
      });
      ledger.addLeaderTask(retention);
      ledger.addLeaderTask(verification);
      consumers.addAll(ledgerConsumers.registerReads(vertx.eventBus()));
      consumers.addAll(new OperatorConsumers(verification, retention, ledger, entries, checkpoints).register(vertx.eventBus()));
      consumers.add(PingResponder.register(vertx, "audit", ctx.readiness()));
      ReadinessChecks.register(ctx.readiness(), ledger, checkpoints, retention);
      return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).compose(x -> ledger.start());
    });
  }

  @Override
  public Future<?> stop() {
    Future<Void> stopped = ledger == null ? Future.succeededFuture() : ledger.stop();
    return stopped.transform(x -> Future.all(consumers.stream().map(MessageConsumer::unregister).toList()));
  }
}
