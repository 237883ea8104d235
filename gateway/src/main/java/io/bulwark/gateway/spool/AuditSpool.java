package io.bulwark.gateway.spool;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.shared.bus.AppendBatch;
import io.bulwark.shared.bus.AppendRequest;
import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.bus.AuditEventRules;
import io.bulwark.shared.config.ServiceConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries high-volume request audit events (auth results, 403s, 429s) to the ledger without ever holding up traffic:
 * a bounded memory queue sent on in batches, a database table when audit-service cannot take them, and a drainer that
 * retries the table with the same idempotency ids until the ledger has them.
 *
 * <p>{@link #offer} may be called from any thread; everything else runs on the context the spool was created on.
 */
public final class AuditSpool {
  private static final Logger LOG = LoggerFactory.getLogger(AuditSpool.class);
  private static final int BATCH = AppendBatch.MAX_EVENTS;
  /** Two batches in flight keep the bus busy while one reply is on its way, without piling up timeouts. */
  private static final int MAX_IN_FLIGHT = 2;
  private static final long INVALID_LOG_INTERVAL_MS = 60_000;
  private static final DateTimeFormatter OCCURRED_AT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Vertx vertx;
  private final SpoolContext ctx;
  private final SpoolSettings settings;
  private final MemoryQueue memory;
  private final AuditLink link;
  private final SpoolMetrics metrics;
  private final AuditHealth health;
  private final DatabaseTier database;
  private final SpoolLog log;
  private final String idPrefix = "spool:" + UUID.randomUUID() + ":";
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicBoolean flushQueued = new AtomicBoolean();
  private final AtomicLong lastInvalidLog = new AtomicLong();
  private volatile boolean accepting = true;
  // confined to the context
  private boolean running;
  private int inFlight;
  private long flushTimer = -1;
  private long statsTimer = -1;

  private AuditSpool(Vertx vertx, Pool pool, SpoolSettings settings, MeterRegistry registry) {
    this.vertx = vertx;
    this.ctx = new SpoolContext(vertx.getOrCreateContext());
    this.settings = settings;
    this.memory = new MemoryQueue(settings.memory());
    this.link = new AuditLink(vertx.eventBus());
    this.log = new SpoolLog(settings.logIntervalMs());
    this.metrics = new SpoolMetrics(registry);
    this.health = new AuditHealth(settings, log, metrics);
    this.database = new DatabaseTier(vertx, ctx, settings, new SpoolTable(pool), link, memory, metrics, health, log);
    metrics.gauges(memory::size, database::rows, database::oldestAgeSeconds);
  }

  /** A spool bound to the current context (or a new one); nothing is sent until {@link #start()}. */
  public static AuditSpool create(Vertx vertx, Pool pool, ServiceConfig config, MeterRegistry registry) {
    return new AuditSpool(vertx, pool, SpoolSettings.from(config), registry);
  }

  /** Starts the flush and refresh timers and drains rows an earlier run left in the table. */
  public Future<Void> start() {
    return ctx.run(() -> {
      if (running) {
        return Future.succeededFuture();
      }
      running = true;
      flushTimer = vertx.setPeriodic(settings.flushMs(), id -> flush());
      statsTimer = vertx.setPeriodic(settings.statsMs(), id -> tick());
      return database.start();
    });
  }

  /**
   * Moves what is in memory on (to audit-service if it answers, else into the table) within the stop deadline, then
   * stops the timers. Offers after this are refused.
   */
  public Future<Void> stop() {
    return ctx.run(() -> {
      if (!running) {
        accepting = false;
        return Future.succeededFuture();
      }
      running = false;
      vertx.cancelTimer(flushTimer);
      vertx.cancelTimer(statsTimer);
      long deadline = System.currentTimeMillis() + settings.stopMs();
      // no new drain rounds: the time left belongs to memory; the round under way may finish meanwhile
      Future<Void> drainer = database.stop();
      return flushForStop(deadline)
          .compose(v -> drainer.timeout(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS))
          .otherwiseEmpty()
          .eventually(() -> {
            accepting = false;
            database.closeMemory();
            int lost = 0;
            for (List<AppendRequest> b = memory.take(BATCH); !b.isEmpty(); b = memory.take(BATCH)) {
              lost += b.size();
            }
            metrics.dropped(DropReason.STOPPED, lost);
            if (lost > 0) {
              LOG.error("audit spool stopped with {} events it could neither deliver nor store", lost,
                  kv("event", "audit.spool.lost"), kv("count", lost), kv("lastError", health.lastError()));
            }
            return Future.succeededFuture();
          });
    });
  }

  /**
   * Queues one event for the ledger; never blocks and never does I/O. False when the event is invalid, memory is at its
   * bound, or the spool has stopped (each counted under its drop reason).
   */
  public boolean offer(AuditEvent event) {
    if (!accepting) {
      metrics.dropped(DropReason.STOPPED, 1);
      return false;
    }
    AuditEvent checked;
    try {
      // checked after stamping, so the event the ledger receives is the one that passed
      checked = AuditEventRules.validateBusEvent(stamped(event).toJson());
      if (!storable(checked.details())) {
        throw new IllegalArgumentException("details hold U+0000, which the spool table (jsonb) cannot store");
      }
    } catch (RuntimeException e) {
      invalid(event, e);
      return false;
    }
    if (!memory.offer(new AppendRequest(idPrefix + sequence.incrementAndGet(), checked))) {
      metrics.dropped(DropReason.MEMORY_FULL, 1);
      return false;
    }
    if (memory.size() >= BATCH && flushQueued.compareAndSet(false, true)) {
      ctx.later(() -> {
        flushQueued.set(false);
        flush();
      });
    }
    return true;
  }

  /** Depths, drops, last error and whether audit-service and the database answer: for readiness and diagnostics. */
  public JsonObject status() {
    JsonObject dropped = new JsonObject();
    for (DropReason r : DropReason.values()) {
      dropped.put(r.label(), metrics.droppedCount(r));
    }
    return new JsonObject()
        .put("auditReachable", health.auditReachable())
        .put("databaseReachable", health.databaseReachable())
        .put("memory", new JsonObject().put("depth", memory.size()).put("capacity", memory.capacity()))
        .put("database", new JsonObject().put("depth", database.rows()).put("capacity", settings.maxRows())
            .put("oldestAgeSeconds", database.oldestAgeSeconds()))
        .put("spooled", metrics.spooledCount())
        .put("delivered", new JsonObject().put(DeliveryPath.DIRECT.label(), metrics.deliveredCount(DeliveryPath.DIRECT))
            .put(DeliveryPath.SPOOL.label(), metrics.deliveredCount(DeliveryPath.SPOOL)))
        .put("dropped", dropped)
        .put("lastError", health.lastError());
  }

  /** The event with {@code details.occurredAt}: the ledger's own time is when it is appended, which may be much later. */
  private static AuditEvent stamped(AuditEvent e) {
    // a shallow copy: the caller's details object is left as it was
    JsonObject details = e.details() == null ? new JsonObject() : new JsonObject(new LinkedHashMap<>(e.details().getMap()));
    if (!details.containsKey("occurredAt")) {
      details.put("occurredAt", OCCURRED_AT.format(Instant.now()));
    }
    return new AuditEvent(e.category(), e.tenant(), e.actor(), e.action(), e.outcome(), e.target(), e.requestId(),
        e.sourceIp(), details);
  }

  /**
   * PostgreSQL's jsonb refuses U+0000, so such an event could never be spooled and would fail its whole batch; the top
   * level fields already refuse control characters, so only details need a look.
   */
  private static boolean storable(Object value) {
    if (value instanceof String s) {
      return s.indexOf('\0') < 0;
    }
    if (value instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        if (e.getKey().indexOf('\0') >= 0 || !storable(e.getValue())) {
          return false;
        }
      }
    } else if (value instanceof JsonArray a) {
      for (Object item : a) {
        if (!storable(item)) {
          return false;
        }
      }
    }
    return true;
  }

  private void invalid(AuditEvent event, RuntimeException e) {
    metrics.dropped(DropReason.INVALID, 1);
    long now = System.currentTimeMillis();
    long last = lastInvalidLog.get();
    if (now - last >= INVALID_LOG_INTERVAL_MS && lastInvalidLog.compareAndSet(last, now)) {
      LOG.error("invalid audit event refused by the spool (a bug in its caller; logged once a minute): {}", e.getMessage(),
          kv("event", "audit.spool.invalid"), kv("action", event == null ? null : event.action()),
          kv("droppedInvalid", metrics.droppedCount(DropReason.INVALID)));
    }
  }

  /** Sends memory on: up to {@link #MAX_IN_FLIGHT} batches of at most {@link #BATCH} at a time. */
  private void flush() {
    if (!running) {
      return;
    }
    // bounded per call as well: a batch that fails at once (pool closed) comes back before inFlight ever rises
    for (int started = 0; started < MAX_IN_FLIGHT && inFlight < MAX_IN_FLIGHT; started++) {
      List<AppendRequest> batch = memory.take(BATCH);
      if (batch.isEmpty()) {
        return;
      }
      inFlight++;
      deliver(batch, settings.timeoutMs()).onComplete(ar -> {
        inFlight--;
        // a full batch waiting goes at once; a batch that came back (database down) waits for the next tick
        if (ar.succeeded() && ar.result() && memory.size() >= BATCH) {
          ctx.later(this::flush);
        }
      });
    }
  }

  /** True when the batch left memory for good (delivered, spooled or dropped); false when it went back. */
  private Future<Boolean> deliver(List<AppendRequest> batch, long timeoutMs) {
    if (!health.tryDirect(System.currentTimeMillis())) {
      return database.spool(batch);
    }
    return ctx.here(link.send(batch, timeoutMs)).compose(outcome -> switch (outcome.kind()) {
      case ACKED -> {
        metrics.delivered(DeliveryPath.DIRECT, batch.size());
        health.auditAnswered();
        database.maybeRecovered();
        yield Future.succeededFuture(true);
      }
      case REJECTED -> {
        health.auditAnswered();
        metrics.dropped(DropReason.REJECTED, batch.size());
        log.rejected(batch.size(), outcome.reason());
        yield Future.succeededFuture(true);
      }
      case UNAVAILABLE -> {
        health.auditFailed(outcome.reason());
        yield database.spool(batch);
      }
    });
  }

  private void tick() {
    database.refresh();
    log.tick(System.currentTimeMillis(), memory.size(), database.rows(), metrics.totalDropped(), health.lastError());
  }

  /** stop(): memory on, one batch at a time, until it is empty or the deadline passes. */
  private Future<Void> flushForStop(long deadline) {
    long remaining = deadline - System.currentTimeMillis();
    if (remaining <= 0 || (memory.size() == 0 && inFlight == 0)) {
      return Future.succeededFuture();
    }
    if (memory.size() == 0 || inFlight >= MAX_IN_FLIGHT) {
      return vertx.timer(10).compose(v -> flushForStop(deadline));
    }
    List<AppendRequest> batch = memory.take(BATCH);
    inFlight++;
    // half of what is left may go on waiting for audit-service; the rest is kept for the table
    long timeout = Math.max(100, Math.min(settings.timeoutMs(), remaining / 2));
    Future<Boolean> sent = remaining < 200 ? database.spool(batch) : deliver(batch, timeout);
    return sent.transform(ar -> {
      inFlight--;
      boolean progress = ar.succeeded() && ar.result();
      // a batch that came back (database down) is retried after a pause, not in a hot loop
      return vertx.timer(progress ? 1 : 50).compose(v -> flushForStop(deadline));
    });
  }
}
