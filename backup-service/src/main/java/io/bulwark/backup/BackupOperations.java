package io.bulwark.backup;

import io.bulwark.backup.catalog.BackupCatalog;
import io.bulwark.backup.catalog.BackupRow;
import io.bulwark.backup.catalog.CheckRow;
import io.bulwark.backup.retention.Candidate;
import io.bulwark.backup.retention.Decision;
import io.bulwark.backup.storage.BackupStorage;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The two lanes of work: backup runs (then, on success, verification and retention) and checks (verify, drill,
 * restore). Each lane runs one thing at a time in this process and, through {@link RunLock}, across instances; a second
 * request is told what is running. Touched only on the service verticle's event loop.
 */
final class BackupOperations {
  private static final Logger LOG = LoggerFactory.getLogger(BackupOperations.class);
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();
  private final BackupSettings settings;
  private final BackupStorage storage;
  private final BackupCatalog catalog;
  private final Pool pool;
  private final BackupRunner runner;
  private final BackupChecks checks;
  private final BackupJournal journal;
  private final BackupMetrics metrics;
  private final WorkerExecutor worker;
  private String backupRunning;
  private Future<BackupRow> backupDone;
  private String checkRunning;
  private Future<CheckRow> checkDone;

  /** {@code pool}: the catalog's database, where the run locks are taken. */
  BackupOperations(BackupParts parts, Pool pool) {
    this.settings = parts.settings();
    this.storage = parts.storage();
    this.catalog = parts.catalog();
    this.pool = pool;
    this.runner = new BackupRunner(parts);
    this.checks = new BackupChecks(parts);
    this.journal = parts.journal();
    this.metrics = parts.metrics();
    this.worker = parts.worker();
  }

  static String newId(String prefix) {
    return prefix + ID_TIME.format(Instant.now()) + "-" + String.format("%04x", RANDOM.nextInt(0x10000));
  }

  /** Starts a backup run; the returned row is the 'running' one. {@link #done} gives its end. */
  Future<BackupRow> startBackup(String trigger, String actor, String requestId) {
    if (backupRunning != null) {
      return Future.failedFuture(new ApiException(409, ErrorCodes.BACKUP_IN_PROGRESS, "backup " + backupRunning + " is running"));
    }
    String id = newId("b-");
    backupRunning = id;
    Promise<BackupRow> end = Promise.promise();
    backupDone = end.future();
    metrics.running(true);
    return RunLock.tryAcquire(pool, RunLock.BACKUP).compose(lock -> {
      if (lock == null) {
        return Future.failedFuture(new ApiException(409, ErrorCodes.BACKUP_IN_PROGRESS,
            "another backup-service instance is running a backup"));
      }
      return catalog.insertRunning(id, trigger, actor, requestId).compose(x -> catalog.find(id)).map(r -> r.orElseThrow())
          .onSuccess(row -> runner.run(row)
              .compose(fin -> afterBackup(fin).map(fin))
              .eventually(lock::release)
              .onComplete(ar -> {
                clearBackup();
                end.handle(ar);
              }))
          .onFailure(err -> lock.release());
    }).onFailure(err -> {
      clearBackup();
      end.tryFail(err);
    });
  }

  private void clearBackup() {
    backupRunning = null;
    metrics.running(false);
  }

  /** The end of the run {@code id} when it is the one in progress, else null. */
  Future<BackupRow> done(String id) {
    return id.equals(backupRunning) ? backupDone : null;
  }

  /** After a success: verify (so retention has a verified newer backup to lean on), then apply retention. */
  private Future<Void> afterBackup(BackupRow row) {
    if (!row.available() || !settings.verifyAfterRun()) {
      return Future.succeededFuture();
    }
    return startCheck(row.id(), CheckRow.VERIFY, "after-backup", BackupJournal.ACTOR, row.requestId(), null)
        .compose(c -> checkDone(c.id()) == null ? Future.succeededFuture(c) : checkDone(c.id()))
        .compose(c -> prune())
        .recover(err -> {
          LOG.warn("verification or retention after backup {} did not run: {}", row.id(), err.getMessage());
          return Future.succeededFuture();
        });
  }

  /** Records and starts a check of one backup; the returned row is the 'running' one. */
  Future<CheckRow> startCheck(String backupId, String kind, String trigger, String actor, String requestId, String database) {
    if (checkRunning != null) {
      return Future.failedFuture(new ApiException(409, ErrorCodes.BACKUP_IN_PROGRESS, "check " + checkRunning + " is running"));
    }
    String id = newId("c-");
    checkRunning = id;
    Promise<CheckRow> end = Promise.promise();
    checkDone = end.future();
    String db = switch (kind) {
      case CheckRow.VERIFY -> null;
      case CheckRow.DRILL -> "bulwark_drill_" + id.substring(2).toLowerCase(Locale.ROOT).replace('-', '_');
      default -> database != null ? database : "bulwark_restore_" + id.substring(2).toLowerCase(Locale.ROOT).replace('-', '_');
    };
    return catalog.find(backupId).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(new ApiException(404, ErrorCodes.BACKUP_NOT_FOUND, "no backup " + backupId));
      }
      BackupRow backup = found.get();
      if (!backup.available()) {
        return Future.failedFuture(new ApiException(409, ErrorCodes.BACKUP_NOT_AVAILABLE, "backup " + backupId + " is "
            + (backup.prunedAt() != null ? "pruned" : backup.status()) + " and cannot be " + switch (kind) {
              case CheckRow.VERIFY -> "verified";
              case CheckRow.DRILL -> "drilled";
              default -> "restored";
            }));
      }
      Future<String> refusal = CheckRow.RESTORE.equals(kind) ? ScratchDatabase.refuse(pool, db, settings.source().database())
          : Future.succeededFuture(null);
      return refusal.compose(why -> why != null ? Future.failedFuture(new ApiException(409, ErrorCodes.RESTORE_REFUSED, why))
          : RunLock.tryAcquire(pool, RunLock.CHECK)).compose(lock -> {
            if (lock == null) {
              return Future.failedFuture(new ApiException(409, ErrorCodes.BACKUP_IN_PROGRESS,
                  "another backup-service instance is running a check"));
            }
            return catalog.insertCheck(id, backupId, kind, trigger, actor, requestId, db).compose(x -> catalog.check(id))
                .map(r -> r.orElseThrow())
                .onSuccess(row -> checks.run(row, backup).eventually(lock::release).onComplete(ar -> {
                  checkRunning = null;
                  end.handle(ar);
                }))
                .onFailure(err -> lock.release());
          });
    }).onFailure(err -> {
      checkRunning = null;
      end.tryFail(err);
    });
  }

  /** The end of the check {@code id} when it is the one in progress, else null. */
  Future<CheckRow> checkDone(String id) {
    return id.equals(checkRunning) ? checkDone : null;
  }

  /** Applies the retention policy; each deletion is in the ledger before the file goes, and stops at the first refusal. */
  Future<Void> prune() {
    return catalog.available().compose(rows -> {
      Decision decision = settings.retention().plan(rows.stream()
          .map(r -> new Candidate(r.id(), r.finishedAt(), r.verified())).toList());
      Future<Void> chain = Future.succeededFuture();
      for (String id : decision.delete()) {
        BackupRow row = rows.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
        chain = chain.compose(x -> pruneOne(row));
      }
      return chain.onSuccess(x -> metrics.available(rows.size() - decision.delete().size()));
    });
  }

  private Future<Void> pruneOne(BackupRow row) {
    JsonObject details = new JsonObject().put("sha256", row.sha256()).put("finishedAt", row.finishedAt().toString())
        .put("policy", settings.retention().toString());
    return journal.required("prune:" + row.id(), "backup.pruned", "success", BackupJournal.ACTOR, null, row.id(), details)
        .compose(x -> worker.executeBlocking(() -> {
          storage.delete(row.fileName());
          storage.delete(BackupRunner.manifestName(row.id()));
          return null;
        }, false))
        .compose(x -> catalog.markPruned(row.id()))
        .onSuccess(x -> {
          metrics.pruned();
          journal.publish("backup.pruned", row.id(), null, details);
          LOG.info("backup {} pruned by the retention policy", row.id(), kv("event", "backup.pruned"), kv("backup", row.id()));
        })
        .onFailure(err -> LOG.warn("retention stopped before pruning {}: {}", row.id(), err.getMessage(),
            kv("event", "backup.prune_deferred")));
  }

  /**
   * Start-up: runs and checks a stopped process left 'running' failed; their files, partial uploads and scratch
   * databases go; backups in storage unknown to the catalog are listed again ({@link StorageImport}). Only when no
   * other instance is working (both locks free).
   */
  Future<Void> recover() {
    return RunLock.tryAcquire(pool, RunLock.BACKUP).compose(backupLock -> {
      if (backupLock == null) {
        return Future.succeededFuture();
      }
      return RunLock.tryAcquire(pool, RunLock.CHECK).compose(checkLock -> {
        if (checkLock == null) {
          return backupLock.release();
        }
        return catalog.interruptRunning().compose(ids -> worker.executeBlocking(() -> {
          int partials = storage.removePartials();
          for (String id : ids) {
            storage.delete(BackupRunner.fileName(id));
            storage.delete(BackupRunner.manifestName(id));
          }
          if (partials > 0 || !ids.isEmpty()) {
            LOG.warn("backup runs interrupted by a stop were marked failed: {}; {} partial file(s) removed", ids, partials,
                kv("event", "backup.interrupted"));
          }
          return null;
        }, false)).compose(x -> catalog.interruptChecks()).compose(stale -> {
          Future<Void> chain = Future.succeededFuture();
          for (CheckRow c : stale) {
            if (c.database() != null) {
              chain = chain.compose(y -> new ScratchDatabase(null, pool, settings.source().withDatabase(c.database())).drop()
                  .recover(e -> Future.succeededFuture()));
            }
          }
          return chain;
        }).compose(x -> StorageImport.run(storage, catalog, worker)).<Void>mapEmpty()
            .eventually(checkLock::release).eventually(backupLock::release);
      });
    });
  }

  /** Everything {@code bulwark.backup.status} reports, but the schedule. */
  Future<JsonObject> status() {
    return Future.all(List.of(catalog.latest(BackupRow.SUCCEEDED), catalog.latest(null), catalog.latest(BackupRow.FAILED),
        catalog.lastCheck(CheckRow.VERIFY, null), catalog.lastCheck(CheckRow.DRILL, null), catalog.list("available", 500),
        worker.executeBlocking(storage::space, false))).map(all -> {
          java.util.Optional<BackupRow> success = all.resultAt(0);
          java.util.Optional<BackupRow> attempt = all.resultAt(1);
          java.util.Optional<BackupRow> failure = all.resultAt(2);
          java.util.Optional<CheckRow> verify = all.resultAt(3);
          java.util.Optional<CheckRow> drill = all.resultAt(4);
          List<BackupRow> available = all.resultAt(5);
          BackupStorage.Space space = all.resultAt(6);
          metrics.storage(space.freeBytes(), space.totalBytes());
          metrics.available(available.size());
          return new JsonObject()
              .put("lastBackup", success.map(BackupRow::toJson).orElse(null))
              .put("lastAttempt", attempt.map(BackupRow::toJson).orElse(null))
              .put("lastSuccessAt", success.map(b -> b.finishedAt().toString()).orElse(null))
              .put("lastFailureAt", failure.map(b -> b.finishedAt() == null ? b.startedAt().toString() : b.finishedAt().toString()).orElse(null))
              .put("failing", failure.isPresent() && (success.isEmpty() || failure.get().startedAt().isAfter(success.get().startedAt())))
              .put("lastVerification", verify.map(CheckRow::toJson).orElse(null))
              .put("lastDrill", drill.map(CheckRow::toJson).orElse(null))
              .put("latestManifest", success.map(BackupRow::manifest).orElse(null))
              .put("available", available.size())
              .put("storage", new JsonObject().put("kind", "local").put("location", storage.describe())
                  .put("freeBytes", space.freeBytes()).put("totalBytes", space.totalBytes()).put("floorBytes", settings.minFreeBytes()))
              .put("encryption", settings.key() == null ? null : new JsonObject().put("keyId", settings.key().keyId()));
        });
  }
}
