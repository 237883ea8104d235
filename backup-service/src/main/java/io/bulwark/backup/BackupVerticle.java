package io.bulwark.backup;

import io.bulwark.backup.catalog.BackupCatalog;
import io.bulwark.backup.catalog.BackupRow;
import io.bulwark.backup.catalog.CheckRow;
import io.bulwark.backup.storage.BackupStorage;
import io.bulwark.backup.storage.LocalDirectoryStorage;
import io.bulwark.shared.bus.PingResponder;
import io.bulwark.shared.config.DatabaseUrl;
import io.bulwark.shared.lifecycle.ServiceContext;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires backup-service: storage, tools, catalog, the two lanes, schedules, bus consumers and readiness checks. */
public final class BackupVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(BackupVerticle.class);
  private final ServiceContext ctx;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private final List<BackupSchedule> schedules = new ArrayList<>();
  private WorkerExecutor worker;
  private Pool source;
  private long spaceTimer = -1;

  public BackupVerticle(ServiceContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Future<?> start() {
    BackupSettings settings = BackupSettings.from(ctx.config());
    if (settings.key() == null) {
      ctx.notices().add("Backups are stored unencrypted: set BULWARK_BACKUP_KEY (openssl rand -base64 32) to encrypt them.");
    }
    // pg_dump and restore drills run for as long as the database is big: a pool of its own, with no blocked-thread alarm
    worker = vertx.createSharedWorkerExecutor("bulwark-backup", 4, 2, TimeUnit.DAYS);
    BackupStorage storage = new LocalDirectoryStorage(settings.storageDir());
    BackupMetrics metrics = new BackupMetrics(ctx.registry());
    BackupJournal journal = new BackupJournal(vertx, 10_000);
    Pool pool = ctx.database().pool();
    source = sourcePool(settings.source());
    BackupCatalog catalog = new BackupCatalog(pool);
    PgTools tools = new PgTools(settings.pgBinDir(), worker);
    BackupOperations operations = new BackupOperations(
        new BackupParts(vertx, settings, storage, tools, catalog, source, journal, metrics, worker), pool);
    BackupReadiness.register(ctx.readiness(), storage, tools, source, settings, metrics, worker);
    if (settings.schedule() != null) {
      schedules.add(new BackupSchedule(vertx, "backup", settings.schedule(), settings.zone(),
          () -> operations.startBackup("schedule", "schedule", null).onFailure(err ->
              LOG.warn("scheduled backup did not start: {}", err.getMessage()))));
    }
    if (settings.drillSchedule() != null) {
      schedules.add(new BackupSchedule(vertx, "drill", settings.drillSchedule(), settings.zone(),
          () -> catalog.latest(BackupRow.SUCCEEDED).compose(latest -> latest.isEmpty()
                  ? Future.failedFuture("there is no backup to drill")
                  : operations.startCheck(latest.get().id(), CheckRow.DRILL, "schedule", "schedule", null, null))
              .onFailure(err -> LOG.warn("scheduled restore drill did not start: {}", err.getMessage()))));
    }
    consumers.addAll(new BackupConsumers(vertx, operations, catalog, status -> withSchedule(status, settings)).register(vertx.eventBus()));
    consumers.add(PingResponder.register(vertx, "backup", ctx.readiness()));
    return worker.executeBlocking(() -> {
      java.nio.file.Files.createDirectories(settings.storageDir());
      return null;
    }, false)
        .compose(x -> operations.recover())
        .compose(x -> restoreMetrics(catalog, metrics))
        .compose(x -> Future.all(consumers.stream().map(MessageConsumer::completion).toList()))
        .onSuccess(x -> {
          schedules.forEach(BackupSchedule::start);
          // the status read refreshes the storage and availability gauges: now, then every minute
          operations.status().onFailure(e -> LOG.warn("could not read the backup state: {}", e.getMessage()));
          spaceTimer = vertx.setPeriodic(60_000, id -> operations.status().onFailure(e -> { }));
          LOG.info("backup-service storing in {} ({}); schedule {}, drills {}", storage.describe(),
              settings.key() == null ? "unencrypted" : "encrypted with " + settings.key().keyId(),
              settings.schedule() == null ? "off" : settings.schedule(), settings.drillSchedule() == null ? "off" : settings.drillSchedule());
        });
  }

  private JsonObject withSchedule(JsonObject status, BackupSettings settings) {
    ZonedDateTime now = ZonedDateTime.now(settings.zone());
    return status.put("schedule", new JsonObject()
        .put("backup", settings.schedule() == null ? "off" : settings.schedule())
        .put("drill", settings.drillSchedule() == null ? "off" : settings.drillSchedule())
        .put("timezone", settings.zone().getId())
        .put("nextBackupAt", settings.schedule() == null ? null
            : BackupSchedule.next(settings.schedule(), now).map(t -> t.toInstant().toString()).orElse(null))
        .put("nextDrillAt", settings.drillSchedule() == null ? null
            : BackupSchedule.next(settings.drillSchedule(), now).map(t -> t.toInstant().toString()).orElse(null)));
  }

  private static Future<Void> restoreMetrics(BackupCatalog catalog, BackupMetrics metrics) {
    return Future.all(catalog.latest(BackupRow.SUCCEEDED), catalog.latest(BackupRow.FAILED),
        catalog.lastCheck(CheckRow.DRILL, CheckRow.PASSED), catalog.lastCheck(CheckRow.DRILL, CheckRow.FAILED)).map(all -> {
          java.util.Optional<BackupRow> ok = all.resultAt(0);
          java.util.Optional<BackupRow> bad = all.resultAt(1);
          java.util.Optional<CheckRow> drillOk = all.resultAt(2);
          java.util.Optional<CheckRow> drillBad = all.resultAt(3);
          metrics.restore(ok.map(BackupRow::finishedAt).orElse(null), bad.map(BackupRow::finishedAt).orElse(null),
              ok.map(r -> r.finishedAt().toEpochMilli() - r.startedAt().toEpochMilli()).orElse(null),
              ok.map(BackupRow::bytes).orElse(null), drillOk.map(CheckRow::finishedAt).orElse(null),
              drillBad.map(CheckRow::finishedAt).orElse(null));
          return null;
        });
  }

  private Pool sourcePool(DatabaseUrl url) {
    PgConnectOptions connect = new PgConnectOptions().setHost(url.host()).setPort(url.port()).setDatabase(url.database())
        .setUser(url.user()).addProperty("application_name", "bulwark-backup-source");
    if (url.password() != null) {
      connect.setPassword(url.password());
    }
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(4).setName("bulwark-backup-source"))
        .connectingTo(connect).using(vertx).build();
  }

  @Override
  public Future<?> stop() {
    schedules.forEach(BackupSchedule::stop);
    if (spaceTimer >= 0) {
      vertx.cancelTimer(spaceTimer);
    }
    Future<?> unregistered = Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
    return unregistered.eventually(() -> source == null ? Future.succeededFuture() : source.close())
        .eventually(() -> worker == null ? Future.succeededFuture() : worker.close());
  }
}
