package io.bulwark.backup;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires a task at the times of a five-field (UNIX) cron expression, computed by cron-utils in a configured zone. The
 * next time is computed after each firing, so a long run never queues up missed firings.
 */
public final class BackupSchedule {
  private static final Logger LOG = LoggerFactory.getLogger(BackupSchedule.class);
  private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private final Vertx vertx;
  private final String name;
  private final ExecutionTime times;
  private final ZoneId zone;
  private final Runnable task;
  private volatile ZonedDateTime next;
  private long timer = -1;
  private boolean stopped;

  public BackupSchedule(Vertx vertx, String name, String expression, ZoneId zone, Runnable task) {
    this.vertx = vertx;
    this.name = name;
    this.times = ExecutionTime.forCron(PARSER.parse(expression).validate());
    this.zone = zone;
    this.task = task;
  }

  /** Adds what is wrong with {@code expression} to {@code problems}. */
  public static void validate(String expression, List<String> problems) {
    try {
      PARSER.parse(expression).validate();
    } catch (IllegalArgumentException e) {
      problems.add(String.valueOf(e.getMessage()));
    }
  }

  /** The next time after {@code from}, if the expression ever fires again. */
  public static Optional<ZonedDateTime> next(String expression, ZonedDateTime from) {
    return ExecutionTime.forCron(PARSER.parse(expression).validate()).nextExecution(from);
  }

  public void start() {
    arm();
  }

  public void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** When it fires next, or null when it never will. */
  public ZonedDateTime next() {
    return next;
  }

  private void arm() {
    if (stopped) {
      return;
    }
    ZonedDateTime now = ZonedDateTime.now(zone);
    // a timer may fire a hair before its time: never compute the same firing twice
    ZonedDateTime from = next != null && now.isBefore(next.plusSeconds(1)) ? next.plusSeconds(1) : now;
    next = times.nextExecution(from).orElse(null);
    if (next == null) {
      LOG.warn("the {} schedule never fires again", name);
      return;
    }
    long delay = Math.max(1, Duration.between(now, next).toMillis());
    timer = vertx.setTimer(delay, id -> {
      timer = -1;
      try {
        task.run();
      } finally {
        arm();
      }
    });
  }
}
