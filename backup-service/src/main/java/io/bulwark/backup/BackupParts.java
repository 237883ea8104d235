package io.bulwark.backup;

import io.bulwark.backup.catalog.BackupCatalog;
import io.bulwark.backup.storage.BackupStorage;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.Pool;

/**
 * What backup runs and checks share: settings, storage, the client tools, the catalog, the source database, where
 * outcomes are told (journal, metrics) and the worker pool blocking work runs on.
 */
record BackupParts(Vertx vertx, BackupSettings settings, BackupStorage storage, PgTools tools, BackupCatalog catalog, Pool source,
                   BackupJournal journal, BackupMetrics metrics, WorkerExecutor worker) {}
