package io.bulwark.backup;

import io.bulwark.backup.catalog.BackupRow;
import io.bulwark.backup.crypto.BackupKey;
import io.bulwark.backup.crypto.ChunkedEncryption;
import io.bulwark.backup.pg.PgClientTools;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Runs one backup. A read-only REPEATABLE READ transaction on the source exports its snapshot; pg_dump dumps exactly
 * that snapshot ({@code --snapshot}) while the same transaction reads what the manifest records — migration heads,
 * ledger size and latest signed checkpoint, exact row counts — so the manifest describes the archive, not the database
 * a moment earlier or later. The run is listed only after the archive and its manifest are committed to storage.
 */
final class BackupRunner {
  private static final Logger LOG = LoggerFactory.getLogger(BackupRunner.class);
  static final String FORMAT = "bulwark-backup-manifest/v1";

  private final BackupParts parts;

  BackupRunner(BackupParts parts) {
    this.parts = parts;
  }

  static String fileName(String id) {
    return id + ".dump";
  }

  static String manifestName(String id) {
    return id + ".manifest.json";
  }

  /** Runs the backup whose 'running' row exists, to success or failure; the returned row is the final one. */
  Future<BackupRow> run(BackupRow started) {
    String id = started.id();
    Instant t0 = Instant.now();
    parts.journal().publish("backup.started", id, null, new JsonObject().put("trigger", started.trigger()));
    LOG.info("backup {} started ({})", id, started.trigger(), kv("event", "backup.started"), kv("backup", id));
    return parts.source().getConnection().compose(conn -> dump(conn, id, t0).eventually(conn::close))
        .transform(ar -> ar.succeeded() ? succeeded(started, ar.result(), t0) : failed(started, runFailure(ar.cause())))
        .compose(x -> parts.catalog().find(id)).map(java.util.Optional::orElseThrow);
  }

  /** Anything but a verdict of the pipeline happened while reading the source database. */
  private static BackupFailure runFailure(Throwable t) {
    return t instanceof BackupFailure f ? f
        : new BackupFailure("source-unavailable", "could not read the source database: " + t.getMessage());
  }

  private record Done(DumpPipeline.Written written, JsonObject manifest, String manifestSha256, String keyId) {}

  private Future<Done> dump(SqlConnection conn, String id, Instant t0) {
    return conn.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute()
        // the manifest's counts must not wait forever behind someone's lock, any more than pg_dump may
        .compose(x -> conn.query("SET LOCAL lock_timeout = " + parts.settings().lockWaitTimeout().toMillis()).execute())
        .compose(x -> conn.query("SELECT pg_export_snapshot()").execute())
        .compose(rs -> {
          String snapshot = rs.iterator().next().getString(0);
          return Future.all(DatabaseFacts.server(conn), DatabaseFacts.heads(conn, parts.settings().schemas()), DatabaseFacts.ledger(conn),
              DatabaseFacts.rowCounts(conn, parts.settings().schemas())).compose(facts -> parts.worker().executeBlocking(() -> {
                PgClientTools.Version client = parts.tools().dumpVersion();
                JsonObject server = facts.resultAt(0);
                String problem = PgClientTools.compatibility(client, PgClientTools.parseServerVersion(server.getString("serverVersion")));
                if (problem != null) {
                  throw new BackupFailure("pg_dump-incompatible", problem);
                }
                List<String> command = new ArrayList<>(List.of(parts.tools().pgDump().toString(), "--format=custom", "--no-password",
                    "--snapshot=" + snapshot, "--lock-wait-timeout=" + parts.settings().lockWaitTimeout().toMillis(),
                    "--dbname=" + ConnInfo.of(parts.settings().source(), "bulwark-pg_dump")));
                Map<String, String> env = ConnInfo.environment(parts.settings().source());
                BackupKey key = parts.settings().key();
                DumpPipeline.Written written = DumpPipeline.dump(parts.storage(), fileName(id), command, env, key,
                    parts.settings().runTimeout());
                Instant finished = Instant.now();
                JsonObject manifest = new JsonObject().put("format", FORMAT).put("id", id).put("startedAt", t0.toString())
                    .put("finishedAt", finished.toString()).put("durationMs", finished.toEpochMilli() - t0.toEpochMilli())
                    .put("database", server).put("pgDump", new JsonObject().put("version", client.text()).put("major", client.major()))
                    .put("migrationHeads", facts.<JsonObject>resultAt(1)).put("ledger", facts.<JsonObject>resultAt(2))
                    .put("rowCounts", facts.<JsonObject>resultAt(3))
                    .put("file", new JsonObject().put("name", written.fileName()).put("bytes", written.storedBytes())
                        .put("sha256", written.sha256()).put("dumpBytes", written.dumpBytes()))
                    .put("encryption", key == null ? null : new JsonObject().put("algorithm", "AES-256-GCM")
                        .put("chunkBytes", ChunkedEncryption.DEFAULT_CHUNK).put("keyId", key.keyId()));
                byte[] bytes = manifest.encodePrettily().getBytes(StandardCharsets.UTF_8);
                try {
                  DumpPipeline.writeSmall(parts.storage(), manifestName(id), bytes);
                } catch (java.io.IOException e) {
                  parts.storage().delete(fileName(id));
                  throw new BackupFailure("storage-failed", "could not write the manifest: " + e.getMessage());
                }
                return new Done(written, manifest, HexFormat.of().formatHex(DumpPipeline.sha256().digest(bytes)),
                    key == null ? null : key.keyId());
              }, false));
        })
        .eventually(() -> conn.query("ROLLBACK").execute());
  }

  private Future<Void> succeeded(BackupRow started, Done done, Instant t0) {
    String id = started.id();
    DumpPipeline.Written w = done.written();
    return parts.catalog().succeed(id, w.fileName(), w.storedBytes(), w.sha256(), done.keyId(), done.manifest(), done.manifestSha256())
        .recover(err -> {
          // not listed, so not kept: the files go, and the run is recorded as failed if the catalog lets us
          parts.worker().executeBlocking(() -> {
            parts.storage().delete(w.fileName());
            parts.storage().delete(manifestName(id));
            return null;
          }, false);
          return Future.failedFuture(err);
        })
        .compose(x -> {
          long ms = Instant.now().toEpochMilli() - t0.toEpochMilli();
          parts.metrics().succeeded(Instant.now(), ms, w.storedBytes());
          LOG.info("backup {} succeeded: {} bytes in {} ms, sha256 {}", id, w.storedBytes(), ms, w.sha256(),
              kv("event", "backup.succeeded"), kv("backup", id));
          JsonObject ledger = done.manifest().getJsonObject("ledger");
          JsonObject cp = ledger == null ? null : ledger.getJsonObject("checkpoint");
          JsonObject details = new JsonObject().put("sha256", w.sha256()).put("bytes", w.storedBytes())
              .put("manifestSha256", done.manifestSha256()).put("encrypted", done.keyId() != null)
              .put("checkpointSize", cp == null ? null : cp.getLong("size")).put("durationMs", ms);
          parts.journal().publish("backup.succeeded", id, null, details.copy());
          return parts.journal().record("backup:" + id, "backup.succeeded", "success", started.actor(), started.requestId(), id, details)
              .<Void>mapEmpty();
        })
        .recover(err -> failed(started, BackupChecks.asFailure(err)));
  }

  private Future<Void> failed(BackupRow started, BackupFailure failure) {
    String id = started.id();
    parts.metrics().failed(Instant.now(), failure.reason());
    LOG.error("backup {} failed: {} ({})", id, failure.reason(), failure.detail(), kv("event", "backup.failed"), kv("backup", id),
        kv("reason", failure.reason()));
    JsonObject details = new JsonObject().put("reason", failure.reason()).put("detail", failure.detail());
    parts.journal().publish("backup.failed", id, null, details.copy());
    return parts.catalog().fail(id, failure.reason(), failure.detail())
        .compose(x -> parts.journal().record("backup:" + id, "backup.failed", "failure", started.actor(), started.requestId(), id, details))
        .mapEmpty();
  }
}
