package io.bulwark.alert;

import io.bulwark.alert.lifecycle.AlertBook;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the rules every interval and hands what fires to the book. The next tick is set only when the last one has
 * finished, so a slow database never piles evaluations up.
 */
final class EvaluationLoop {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluationLoop.class);
  private final Vertx vertx;
  private final RuleSource rules;
  private final AlertBook book;
  private final Duration interval;
  private volatile boolean stopped = true;
  private boolean evaluating;
  private long timer = -1;
  private Future<Void> running = Future.succeededFuture();

  EvaluationLoop(Vertx vertx, RuleSource rules, AlertBook book, Duration interval) {
    this.vertx = vertx;
    this.rules = rules;
    this.book = book;
    this.interval = interval;
  }

  /** Starts ticking (again, after a {@link #stop}). */
  void start() {
    stopped = false;
    schedule();
  }

  /**
   * An evaluation now unless one is under way or the loop is stopped (a standby): called after each scrape round, so
   * alerts follow fresh samples; the timer still evaluates every interval for rules fed by bus events.
   */
  void afterScrape() {
    if (!stopped && !evaluating) {
      evaluateNow();
    }
  }

  /** One evaluation now (also what each tick runs). */
  Future<Void> evaluateNow() {
    Instant now = Instant.now();
    java.util.List<io.bulwark.alert.rules.Firing> firings = rules.evaluate(now);
    evaluating = true;
    running = book.evaluate(firings, rules.inhibitions(), rules.failing(), now)
        .onFailure(err -> LOG.warn("alert evaluation failed: {}", err.getMessage()))
        .onComplete(ar -> evaluating = false);
    return running;
  }

  private void schedule() {
    if (!stopped) {
      timer = vertx.setTimer(interval.toMillis(), id -> evaluateNow().onComplete(ar -> schedule()));
    }
  }

  Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return running.transform(ar -> Future.succeededFuture());
  }
}
