package io.bulwark.backup;

import io.bulwark.backup.catalog.BackupRow;
import io.bulwark.backup.catalog.CheckRow;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Verifies, drills and restores one backup. Verify: manifest, checksum, decryption and a full {@code pg_restore} of
 * the archive to nowhere. Drill: the same into a fresh scratch database, then {@link RestoredDatabaseCheck}, then the
 * scratch database is dropped. Restore: like a drill into a database the operator names (never the live one), kept
 * only when every check passed and reported with what promoting it takes.
 */
final class BackupChecks {
  private static final Logger LOG = LoggerFactory.getLogger(BackupChecks.class);
  private final BackupParts parts;

  BackupChecks(BackupParts parts) {
    this.parts = parts;
  }

  /** Runs an already recorded check ({@code check} is its 'running' row) to its verdict, and records the verdict. */
  Future<CheckRow> run(CheckRow check, BackupRow backup) {
    long t0 = System.nanoTime();
    JsonArray steps = new JsonArray();
    JsonObject result = new JsonObject().put("steps", steps);
    Future<Void> work = manifest(backup, steps).compose(manifest -> switch (check.kind()) {
      case CheckRow.VERIFY -> verify(backup, manifest, steps);
      case CheckRow.DRILL -> intoDatabase(check, backup, manifest, steps, result, false);
      default -> intoDatabase(check, backup, manifest, steps, result, true);
    });
    return work.transform(ar -> {
      long ms = (System.nanoTime() - t0) / 1_000_000;
      BackupFailure failure = ar.succeeded() ? null : asFailure(ar.cause());
      String status = failure == null ? CheckRow.PASSED : CheckRow.FAILED;
      String reason = failure == null ? "ok" : failure.reason();
      String detail = failure == null ? passedDetail(check.kind(), result) : failure.detail();
      if (failure != null) {
        LOG.warn("backup {} of {} failed: {} ({})", check.kind(), backup.id(), reason, detail, kv("event", "backup.check_failed"),
            kv("kind", check.kind()), kv("reason", reason));
      } else {
        LOG.info("backup {} of {} passed in {} ms", check.kind(), backup.id(), ms, kv("event", "backup.check_passed"), kv("kind", check.kind()));
      }
      parts.metrics().checked(check.kind(), failure == null, Instant.now());
      return parts.catalog().finishCheck(check.id(), status, reason, detail, result, ms).compose(done -> {
        parts.journal().publish(eventType(check.kind(), failure == null), backup.id(), check.id(),
            new JsonObject().put("status", status).put("reason", reason).put("durationMs", ms));
        return parts.journal().record("check:" + check.id(), "backup." + check.kind(), failure == null ? "success" : "failure",
            check.actor(), check.requestId(), backup.id(), new JsonObject().put("check", check.id()).put("reason", reason)
                .put("durationMs", ms).put("sha256", backup.sha256())).map(done);
      });
    });
  }

  /** Every key this service holds, by id: the current one and the previous ones. */
  private java.util.function.Function<String, io.bulwark.backup.crypto.BackupKey> keys() {
    return io.bulwark.backup.crypto.ChunkedEncryption.keyRing(parts.settings().keys().values());
  }

  private static String eventType(String kind, boolean passed) {
    return switch (kind) {
      case CheckRow.VERIFY -> passed ? "backup.verified" : "backup.verify_failed";
      case CheckRow.DRILL -> passed ? "drill.passed" : "drill.failed";
      default -> passed ? "restore.ready" : "restore.failed";
    };
  }

  private static String passedDetail(String kind, JsonObject result) {
    return switch (kind) {
      case CheckRow.VERIFY -> "checksum, decryption and a full pg_restore of the archive passed";
      case CheckRow.DRILL -> "restored into a scratch database; heads, ledger and row counts match the manifest; scratch dropped";
      default -> "restored into " + result.getJsonObject("promote", new JsonObject()).getString("database")
          + " and verified; ready to promote";
    };
  }

  /** The manifest beside the file, which must be the one the catalog recorded when the backup succeeded. */
  private Future<JsonObject> manifest(BackupRow backup, JsonArray steps) {
    long t0 = System.nanoTime();
    return parts.worker().executeBlocking(() -> {
      byte[] bytes;
      try (InputStream in = parts.storage().open(BackupRunner.manifestName(backup.id()))) {
        bytes = in.readAllBytes();
      } catch (NoSuchFileException e) {
        throw new BackupFailure("missing-manifest", "the manifest " + BackupRunner.manifestName(backup.id()) + " is not in "
            + parts.storage().describe() + "; without it nothing can be checked against what was dumped");
      } catch (IOException e) {
        throw new BackupFailure("storage-failed", "could not read the manifest: " + e.getMessage());
      }
      String sha = HexFormat.of().formatHex(DumpPipeline.sha256().digest(bytes));
      if (!sha.equals(backup.manifestSha256())) {
        throw new BackupFailure("manifest-mismatch", "the manifest's SHA-256 is " + sha + "; the catalog recorded "
            + backup.manifestSha256() + " (the manifest changed after the backup)");
      }
      JsonObject manifest;
      try {
        manifest = new JsonObject(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        throw new BackupFailure("manifest-invalid", "the manifest is not JSON");
      }
      steps.add(RestoredDatabaseCheck.step("manifest", t0).put("sha256", sha));
      return manifest;
    }, false);
  }

  private Future<Void> verify(BackupRow backup, JsonObject manifest, JsonArray steps) {
    long t0 = System.nanoTime();
    return parts.worker().executeBlocking(() -> {
      ArchiveReader.Pass pass = ArchiveReader.restore(parts.storage(), backup.fileName(), backup.bytes(), backup.sha256(), backup.keyId(),
          keys(), List.of(parts.tools().pgRestore().toString(), "--file=/dev/null"), java.util.Map.of(), parts.settings().checkTimeout());
      steps.add(passStep(t0, pass, "pg_restore to /dev/null"));
      return null;
    }, false);
  }

  private Future<Void> intoDatabase(CheckRow check, BackupRow backup, JsonObject manifest, JsonArray steps, JsonObject result,
                                    boolean keep) {
    ScratchDatabase target = new ScratchDatabase(parts.vertx(), parts.source(), parts.settings().source().withDatabase(check.database()));
    long t0 = System.nanoTime();
    String live = parts.settings().source().database();
    Future<Void> restored = ScratchDatabase.refuse(parts.source(), target.name(), live).compose(refusal -> refusal != null
        ? Future.failedFuture(new BackupFailure("restore-refused", refusal))
        : target.create().compose(x -> parts.worker().executeBlocking(() -> {
          ArchiveReader.Pass pass = ArchiveReader.restore(parts.storage(), backup.fileName(), backup.bytes(), backup.sha256(), backup.keyId(),
              keys(), List.of(parts.tools().pgRestore().toString(),
                  "--dbname=" + ConnInfo.of(target.url(), "bulwark-pg_restore"), "--no-owner",
                  "--no-privileges", "--exit-on-error", "--single-transaction"),
              ConnInfo.environment(target.url()), parts.settings().checkTimeout());
          steps.add(passStep(t0, pass, "pg_restore into " + target.name()));
          return null;
        }, false)).compose(x -> {
          Pool pool = target.open();
          return RestoredDatabaseCheck.run(parts.vertx(), pool, manifest, parts.settings().schemas(), steps)
              .compose(y -> keep ? promotion(pool, target, manifest, result) : Future.<Void>succeededFuture())
              .eventually(pool::close);
        }));
    // a drill never leaves its scratch database; a restore keeps its database only when it is ready to promote
    return restored.transform(ar -> {
      boolean dropIt = !keep || ar.failed();
      if (!dropIt) {
        return Future.succeededFuture();
      }
      if (ar.failed() && ar.cause() instanceof BackupFailure f && "restore-refused".equals(f.reason())) {
        return Future.failedFuture(f); // it was never ours: never drop it
      }
      return target.drop().transform(d -> {
        if (d.failed()) {
          LOG.warn("could not drop scratch database {}: {}", target.name(), d.cause().getMessage());
        }
        steps.add(new JsonObject().put("step", "drop").put("database", target.name()).put("dropped", d.succeeded()));
        return ar.failed() ? Future.failedFuture(ar.cause()) : Future.succeededFuture();
      });
    });
  }

  /** Compares the restored heads with the live ones: promotion must not put the running build behind its schema. */
  private Future<Void> promotion(Pool restored, ScratchDatabase target, JsonObject manifest, JsonObject result) {
    List<String> schemas = parts.settings().schemas();
    return Future.all(DatabaseFacts.heads(restored, schemas), DatabaseFacts.heads(parts.source(), schemas))
        .compose(all -> {
          JsonObject restoredHeads = all.resultAt(0);
          JsonObject liveHeads = all.resultAt(1);
          JsonArray ahead = new JsonArray();
          for (String schema : restoredHeads.fieldNames()) {
            String live = liveHeads.getString(schema);
            if (live != null && version(restoredHeads.getString(schema)) > version(live)) {
              ahead.add(schema + " is at " + restoredHeads.getString(schema) + ", the running build at " + live);
            }
          }
          String url = "postgres://" + target.url().user() + "@" + target.url().host() + ":" + target.url().port() + "/" + target.name();
          result.put("promote", new JsonObject().put("database", target.name()).put("databaseUrl", url)
              .put("restoredHeads", restoredHeads).put("liveHeads", liveHeads).put("readyToPromote", ahead.isEmpty())
              .put("steps", new JsonArray().add("stop every Bulwark service that uses the live database")
                  .add("set DATABASE_URL to " + url + " (with its password) for every service")
                  .add("start the services: each migrates its schema forward from the restored heads and checks it")
                  .add("keep the old database until the services are ready, then archive or drop it")));
          return ahead.isEmpty() ? Future.succeededFuture() : Future.failedFuture(new BackupFailure("migration-head-ahead",
              "the restored database is ahead of the running build (" + String.join("; ", ahead.getList()) + ")"));
        });
  }

  private static int version(String head) {
    try {
      return Integer.parseInt(head.substring(1));
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static JsonObject passStep(long t0, ArchiveReader.Pass pass, String what) {
    return RestoredDatabaseCheck.step("restore", t0).put("into", what).put("storedBytes", pass.storedBytes())
        .put("dumpBytes", pass.dumpBytes()).put("sha256", pass.sha256());
  }

  static BackupFailure asFailure(Throwable t) {
    if (t instanceof BackupFailure f) {
      return f;
    }
    return new BackupFailure("check-error", String.valueOf(t.getMessage()));
  }
}
