package io.bulwark.backup;

import io.bulwark.backup.catalog.BackupCatalog;
import io.bulwark.backup.catalog.BackupRow;
import io.bulwark.backup.catalog.CheckRow;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.BusAnswers;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/** backup-service's bus API ({@code bulwark.backup.*}): validates each message, then answers from the catalog or the lanes. */
final class BackupConsumers {
  static final Pattern BACKUP_ID = Pattern.compile("b-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{4}");
  private final BackupOperations operations;
  private final BackupCatalog catalog;
  private final Function<JsonObject, JsonObject> withSchedule;
  private final io.vertx.core.Vertx vertx;

  BackupConsumers(io.vertx.core.Vertx vertx, BackupOperations operations, BackupCatalog catalog,
                  Function<JsonObject, JsonObject> withSchedule) {
    this.vertx = vertx;
    this.operations = operations;
    this.catalog = catalog;
    this.withSchedule = withSchedule;
  }

  List<MessageConsumer<JsonObject>> register(EventBus bus) {
    return List.of(
        bus.consumer(Addresses.BACKUP_RUN, m -> answer(m, this::run)),
        bus.consumer(Addresses.BACKUP_LIST, m -> answer(m, this::list)),
        bus.consumer(Addresses.BACKUP_GET, m -> answer(m, this::get)),
        bus.consumer(Addresses.BACKUP_CHECK, m -> answer(m, this::check)),
        bus.consumer(Addresses.BACKUP_STATUS, m -> answer(m, b -> operations.status().map(withSchedule))));
  }

  private static void answer(Message<JsonObject> m, Function<JsonObject, Future<JsonObject>> handler) {
    BusAnswers.answer(m, "backup-service", handler);
  }


  private Future<JsonObject> run(JsonObject b) {
    String trigger = b.getString("trigger", "manual");
    if (!"manual".equals(trigger) && !"schedule".equals(trigger)) {
      throw ApiException.badRequest("trigger must be manual or schedule");
    }
    String actor = text(b, "actor", "unknown");
    long waitMs = waitMs(b);
    return operations.startBackup(trigger, actor, b.getString("requestId")).compose(row -> {
      Future<BackupRow> done = waitMs > 0 ? operations.done(row.id()) : null;
      return (done == null ? Future.succeededFuture(row) : atMost(done, waitMs, () -> catalog.find(row.id()).map(f -> f.orElse(row))))
          .map(r -> new JsonObject().put("backup", r.toJson()));
    });
  }

  private Future<JsonObject> list(JsonObject b) {
    String status = b.getString("status", "available");
    if (!List.of("available", "failed", "all").contains(status)) {
      throw ApiException.badRequest("status must be available, failed or all");
    }
    int limit = b.getInteger("limit", 50);
    if (limit < 1 || limit > 500) {
      throw ApiException.badRequest("limit must be between 1 and 500");
    }
    return Future.all(catalog.list(status, limit), catalog.running(), catalog.latest(BackupRow.SUCCEEDED),
        catalog.latest(BackupRow.FAILED)).map(all -> {
          List<BackupRow> rows = all.resultAt(0);
          java.util.Optional<BackupRow> running = all.resultAt(1);
          java.util.Optional<BackupRow> success = all.resultAt(2);
          java.util.Optional<BackupRow> failure = all.resultAt(3);
          return new JsonObject().put("backups", new JsonArray(rows.stream().map(BackupRow::toJson).toList()))
              .put("running", running.map(BackupRow::toJson).orElse(null))
              .put("lastSuccessAt", success.map(r -> r.finishedAt().toString()).orElse(null))
              .put("lastFailureAt", failure.map(r -> r.finishedAt().toString()).orElse(null));
        });
  }

  private Future<JsonObject> get(JsonObject b) {
    String id = backupId(b);
    return catalog.find(id).compose(found -> found.isEmpty()
        ? Future.failedFuture(new ApiException(404, ErrorCodes.BACKUP_NOT_FOUND, "no backup " + id))
        : catalog.checksOf(id).map(checks -> new JsonObject().put("backup", found.get().toJson())
            .put("manifest", found.get().manifest())
            .put("checks", new JsonArray(checks.stream().map(CheckRow::toJson).toList()))));
  }

  private Future<JsonObject> check(JsonObject b) {
    String id = backupId(b);
    String kind = b.getString("kind");
    if (!List.of(CheckRow.VERIFY, CheckRow.DRILL, CheckRow.RESTORE).contains(kind)) {
      throw ApiException.badRequest("kind must be verify, drill or restore");
    }
    String database = b.getString("database");
    if (database != null && (!CheckRow.RESTORE.equals(kind) || !ScratchDatabase.NAME.matcher(database).matches())) {
      throw ApiException.badRequest(CheckRow.RESTORE.equals(kind) ? "database must match [a-z_][a-z0-9_]{0,62}"
          : "database is only for restore");
    }
    long waitMs = waitMs(b);
    return operations.startCheck(id, kind, "manual", text(b, "actor", "unknown"), b.getString("requestId"), database)
        .compose(row -> {
          Future<CheckRow> done = waitMs > 0 ? operations.checkDone(row.id()) : null;
          return (done == null ? Future.succeededFuture(row)
              : atMost(done, waitMs, () -> catalog.check(row.id()).map(f -> f.orElse(row))))
              .map(r -> new JsonObject().put("check", r.toJson()));
        });
  }

  /** 0: answer at once; otherwise how long to wait for the end ({@code wait} without {@code waitMs}: until it ends). */
  private static long waitMs(JsonObject b) {
    if (!b.getBoolean("wait", false)) {
      return 0;
    }
    long ms = b.getLong("waitMs", Long.MAX_VALUE);
    if (ms < 1) {
      throw ApiException.badRequest("waitMs must be positive");
    }
    return ms;
  }

  /** The end of the work, or its state after {@code ms} if it has not ended by then (the caller then polls). */
  private <T> Future<T> atMost(Future<T> done, long ms, java.util.function.Supplier<Future<T>> current) {
    if (ms >= Long.MAX_VALUE / 2) {
      return done;
    }
    io.vertx.core.Promise<T> answer = io.vertx.core.Promise.promise();
    long timer = vertx.setTimer(ms, t -> current.get().onComplete(ar -> {
      if (ar.succeeded()) {
        answer.tryComplete(ar.result());
      } else {
        answer.tryFail(ar.cause());
      }
    }));
    done.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        answer.tryComplete(ar.result());
      } else {
        answer.tryFail(ar.cause());
      }
    });
    return answer.future();
  }

  private static String backupId(JsonObject b) {
    String id = b.getString("id");
    if (id == null || !BACKUP_ID.matcher(id).matches()) {
      throw ApiException.badRequest("id must be a backup id such as b-20261123T021500Z-3f9a");
    }
    return id;
  }

  private static String text(JsonObject b, String key, String fallback) {
    String v = b.getString(key);
    return v == null || v.isBlank() ? fallback : v.length() > 256 ? v.substring(0, 256) : v;
  }
}
