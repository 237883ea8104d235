package io.bulwark.backup;

import io.bulwark.backup.pg.PgClientTools;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The PostgreSQL client tools this service runs, found once and checked against the server they must dump: a missing
 * tool or a pg_dump older than the server is a failed readiness check with the fix in its text, and a failed backup
 * rather than a broken archive.
 */
final class PgTools {
  private final PgClientTools tools;
  private final WorkerExecutor worker;
  private volatile JsonObject lastCheck;
  private volatile Found cached;

  private record Found(Path path, PgClientTools.Version version) {}

  PgTools(Path binDir, WorkerExecutor worker) {
    this.tools = new PgClientTools(binDir);
    this.worker = worker;
  }

  Path pgDump() throws BackupFailure {
    try {
      return tools.pgDump();
    } catch (IOException e) {
      throw new BackupFailure("pg_dump-missing", e.getMessage());
    }
  }

  Path pgRestore() throws BackupFailure {
    try {
      return tools.pgRestore();
    } catch (IOException e) {
      throw new BackupFailure("pg_restore-missing", e.getMessage());
    }
  }

  /** The client's version, for the manifest; blocking. */
  PgClientTools.Version dumpVersion() throws BackupFailure {
    try {
      return tools.version(pgDump());
    } catch (IOException e) {
      throw new BackupFailure("pg_dump-missing", "could not run pg_dump --version: " + e.getMessage());
    }
  }

  /** Readiness: pg_dump and pg_restore are there, and pg_dump's major version is at least the server's. */
  Future<JsonObject> check(Pool source) {
    return source.query("SHOW server_version").execute().map(rs -> rs.iterator().next().getString(0)).compose(server ->
        worker.executeBlocking(() -> {
          // running pg_dump --version on every probe would fork a process every few seconds: once per binary is enough
          Path dump = pgDump();
          pgRestore();
          PgClientTools.Version client = cached != null && cached.path().equals(dump) ? cached.version() : dumpVersion();
          cached = new Found(dump, client);
          PgClientTools.Version srv = PgClientTools.parseServerVersion(server);
          String problem = PgClientTools.compatibility(client, srv);
          if (problem != null) {
            throw new IllegalStateException(problem);
          }
          JsonObject data = new JsonObject().put("pgDump", pgDump().toString()).put("version", client.text())
              .put("server", srv.text());
          lastCheck = data;
          return data;
        }, false).recover(err -> Future.failedFuture(err instanceof BackupFailure f ? new IllegalStateException(f.detail()) : err)));
  }

  /** What the latest successful check found, or null. */
  JsonObject lastCheck() {
    return lastCheck;
  }
}
