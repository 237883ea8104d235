package io.bulwark.backup;

import io.bulwark.backup.storage.BackupStorage;
import io.bulwark.shared.management.Readiness;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

/**
 * backup-service's own readiness checks (the runtime adds {@code db} and {@code migrations}): {@code storage} is writable
 * with free space above the floor, and {@code pg_dump} is found and at least the server's major version.
 */
final class BackupReadiness {
  private BackupReadiness() {}

  static void register(Readiness readiness, BackupStorage storage, PgTools tools, Pool source, BackupSettings settings,
                       BackupMetrics metrics, WorkerExecutor worker) {
    readiness.register("storage", true, () -> worker.executeBlocking(() -> {
      storage.probeWritable();
      BackupStorage.Space space = storage.space();
      metrics.storage(space.freeBytes(), space.totalBytes());
      JsonObject data = new JsonObject().put("location", storage.describe()).put("freeBytes", space.freeBytes())
          .put("floorBytes", settings.minFreeBytes());
      if (space.freeBytes() < settings.minFreeBytes()) {
        throw new IllegalStateException("only " + space.freeBytes() / (1024 * 1024) + " MiB free in " + storage.describe()
            + ", below the floor of " + settings.minFreeBytes() / (1024 * 1024) + " MiB (BULWARK_BACKUP_MIN_FREE_MB)");
      }
      return data;
    }, false));
    readiness.register("pg_dump", true, () -> tools.check(source));
  }
}
