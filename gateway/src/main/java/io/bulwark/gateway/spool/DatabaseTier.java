package io.bulwark.gateway.spool;

import io.bulwark.shared.bus.AppendBatch;
import io.bulwark.shared.bus.AppendRequest;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * The spool's second tier as the spool sees it: batches written to the table within its row bound, a drainer that
 * resends them oldest first with backoff, and a cached row count (exact for this instance's own inserts and deletes,
 * re-read every few seconds for everyone else's). Used on the spool's context only.
 */
final class DatabaseTier {
  private static final int BATCH = AppendBatch.MAX_EVENTS;
  private final Vertx vertx;
  private final SpoolContext ctx;
  private final SpoolSettings settings;
  private final SpoolTable table;
  private final AuditLink link;
  private final MemoryQueue memory;
  private final SpoolMetrics metrics;
  private final AuditHealth health;
  private final SpoolLog log;
  // read by gauges from any thread
  private volatile long rows;
  private volatile long oldestMs;
  private boolean running;
  private boolean memoryClosed;
  private long drainTimer = -1;
  private boolean draining;
  private Future<?> currentDrain = Future.succeededFuture();
  private boolean refreshing;
  private long mutations;
  private long pendingInsert;

  DatabaseTier(Vertx vertx, SpoolContext ctx, SpoolSettings settings, SpoolTable table, AuditLink link, MemoryQueue memory,
               SpoolMetrics metrics, AuditHealth health, SpoolLog log) {
    this.vertx = vertx;
    this.ctx = ctx;
    this.settings = settings;
    this.table = table;
    this.link = link;
    this.memory = memory;
    this.metrics = metrics;
    this.health = health;
    this.log = log;
  }

  /** Reads the table's state and starts draining what an earlier run left; completes even when the database is down. */
  Future<Void> start() {
    running = true;
    return refresh();
  }

  /** No more drain rounds; the future ends when the round under way (if any) has. */
  Future<Void> stop() {
    running = false;
    vertx.cancelTimer(drainTimer);
    drainTimer = -1;
    return currentDrain.transform(ar -> Future.succeededFuture());
  }

  /** After stop() emptied memory: a batch that fails from now on is counted lost instead of going back. */
  void closeMemory() {
    memoryClosed = true;
  }

  /**
   * Writes a batch audit-service could not take. True when it left memory for good (stored, or dropped because the
   * table is full); false when the database failed and it went back into memory.
   */
  Future<Boolean> spool(List<AppendRequest> batch) {
    // rows being inserted count too, so two batches in flight cannot both take the last room
    long room = settings.maxRows() - rows - pendingInsert;
    int fit = (int) Math.max(0, Math.min(room, batch.size()));
    metrics.dropped(DropReason.SPOOL_FULL, batch.size() - fit);
    if (fit == 0) {
      return Future.succeededFuture(true);
    }
    List<AppendRequest> part = fit == batch.size() ? batch : batch.subList(0, fit);
    pendingInsert += fit;
    return ctx.here(table.insert(part)).transform(ar -> {
      pendingInsert -= fit;
      if (ar.failed()) {
        health.databaseFailed(ar.cause());
        if (memoryClosed) {
          // stop() has already emptied memory for the last time: nothing would ever send these
          metrics.dropped(DropReason.STOPPED, part.size());
        } else {
          metrics.dropped(DropReason.DATABASE_UNAVAILABLE, memory.returnToHead(part));
        }
        return Future.succeededFuture(false);
      }
      health.databaseAnswered();
      if (rows == 0 && ar.result() > 0) {
        oldestMs = System.currentTimeMillis();
      }
      rows += ar.result();
      mutations++;
      metrics.spooled(ar.result());
      kick();
      return Future.succeededFuture(true);
    });
  }

  /** Re-reads the exact row count; a result that raced a local insert or drain is not applied (the next one will be). */
  Future<Void> refresh() {
    if (refreshing) {
      return Future.succeededFuture();
    }
    refreshing = true;
    long seen = mutations;
    return ctx.here(table.stats()).transform(ar -> {
      refreshing = false;
      if (ar.failed()) {
        health.databaseFailed(ar.cause());
        return Future.succeededFuture();
      }
      health.databaseAnswered();
      if (seen == mutations && pendingInsert == 0) {
        rows = ar.result().rows();
        oldestMs = ar.result().oldestMs();
      }
      if (rows > 0) {
        kick();
      } else {
        maybeRecovered();
      }
      return Future.succeededFuture();
    });
  }

  /** Logs the recovery once nothing is left behind: audit-service answers, the table is empty, memory is short. */
  void maybeRecovered() {
    if (log.degraded() && !health.auditDown() && rows == 0 && memory.size() < BATCH) {
      log.recovered(metrics.deliveredCount(DeliveryPath.SPOOL));
    }
  }

  long rows() {
    return rows;
  }

  double oldestAgeSeconds() {
    long oldest = oldestMs;
    return rows == 0 || oldest == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest) / 1000.0;
  }

  private void kick() {
    if (running && !draining && drainTimer < 0) {
      drainTimer = vertx.setTimer(health.backoffMs(), id -> {
        drainTimer = -1;
        drainOnce();
      });
    }
  }

  /** One round; keeps going at once while batches come back acknowledged, backs off while they do not. */
  private void drainOnce() {
    if (!running || draining) {
      return;
    }
    draining = true;
    Future<SpoolTable.Drained> round =
        ctx.here(table.drain(BATCH, settings.timeoutMs(), batch -> link.send(batch, settings.timeoutMs())));
    currentDrain = round;
    round.onComplete(ar -> {
      draining = false;
      afterDrain(ar);
    });
  }

  private void afterDrain(AsyncResult<SpoolTable.Drained> ar) {
    if (ar.failed()) {
      health.databaseFailed(ar.cause());
      health.backOff();
      kick();
      return;
    }
    health.databaseAnswered();
    SpoolTable.Drained d = ar.result();
    if (d.empty()) {
      // the table may still hold rows another gateway has claimed: the refresh decides whether to come back
      refresh();
      return;
    }
    mutations++;
    oldestMs = d.oldestMs();
    switch (d.outcome().kind()) {
      case ACKED -> {
        rows = Math.max(0, rows - d.rows());
        metrics.delivered(DeliveryPath.SPOOL, d.rows());
        health.auditAnswered();
        maybeRecovered();
        ctx.later(this::drainOnce);
      }
      case REJECTED -> {
        rows = Math.max(0, rows - d.rows());
        health.auditAnswered();
        metrics.dropped(DropReason.REJECTED, d.rows());
        log.rejected(d.rows(), d.outcome().reason());
        ctx.later(this::drainOnce);
      }
      case UNAVAILABLE -> {
        health.auditFailed(d.outcome().reason());
        health.backOff();
        kick();
      }
    }
  }
}
