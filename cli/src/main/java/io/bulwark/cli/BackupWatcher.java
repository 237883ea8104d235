package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Waits for a backup run or check by polling {@code GET /admin/backups/{id}}: every second at first, then less often
 * (up to every 5 s), until the answer says the work is over or the time limit passes. A gateway that is briefly away
 * (a restart, a 503) is polled again; a refusal (4xx) ends the wait at once.
 */
final class BackupWatcher {
  /** How often to poll: {@code first} after the start, growing by half each time up to {@code longest}. */
  record Pacing(Duration first, Duration longest) {
    static final Pacing DEFAULT = new Pacing(Duration.ofSeconds(1), Duration.ofSeconds(5));

    Duration after(Duration previous) {
      return Duration.ofMillis(Math.min(longest.toMillis(), previous.toMillis() * 3 / 2));
    }
  }

  /** Whether a poll's answer shows the work is over; may fail when the answer cannot be read. */
  interface Over {
    boolean test(JsonNode reply) throws CommandFailure;
  }

  /** Polls in a row that got no usable answer before the wait gives up: about half a minute at the longest pace. */
  static final int MISSES = 5;
  /** How often a long wait says it is still waiting, so the operator can tell it from a hung command. */
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

  private final GatewayClient gateway;
  private final Pacing pacing;
  private final Consumer<String> progress;

  BackupWatcher(GatewayClient gateway, Pacing pacing, Consumer<String> progress) {
    this.gateway = gateway;
    this.pacing = pacing;
    this.progress = progress;
  }

  /**
   * The first {@code GET /admin/backups/{backupId}} answer for which {@code over} holds. {@code what} names the work in
   * messages ("backup b-..", "drill c-.. of b-.."), {@code lookLater} is the command that shows it later. Fails with
   * exit 3 when the time runs out or the gateway stays away, saying the work goes on server-side; with the refusal's
   * own exit code (2 for a 4xx) when the gateway refuses.
   */
  JsonNode await(String backupId, Over over, Duration limit, String what, String lookLater)
      throws CommandFailure {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    Duration pause = pacing.first();
    long nextProgress = start + PROGRESS_EVERY.toNanos();
    int misses = 0;
    CommandFailure lastMiss = null;
    String path = "/admin/backups/" + backupId;
    for (int poll = 1; ; poll++) {
      long now = System.nanoTime();
      if (now >= deadline) {
        String why = lastMiss != null ? " (the last poll: " + lastMiss.getMessage() + ")" : "";
        throw new CommandFailure(CommandFailure.UNREACHABLE, "stopped waiting after " + BackupText.limit(limit) + ": "
            + what + " is still running" + why + "; it continues server-side: check it with " + lookLater);
      }
      sleep(Math.min(pause.toNanos(), deadline - now), what, lookLater);
      pause = pacing.after(pause);
      JsonNode reply;
      try {
        GatewayClient.Answer answer = gateway.await(gateway.get("poll-" + poll, path, "application/json"));
        reply = BackupSubcommand.object(answer);
      } catch (CommandFailure f) {
        if (f.exitCode() != CommandFailure.UNREACHABLE) {
          throw f.withHint("; " + what + " may still be running server-side: check it with " + lookLater);
        }
        misses++;
        lastMiss = f;
        if (misses >= MISSES) {
          throw f.withHint("; gave up after " + misses + " polls without an answer: " + what + " continues "
              + "server-side: check it with " + lookLater);
        }
        progress.accept("no answer while waiting (" + f.getMessage() + "); polling again");
        continue;
      }
      misses = 0;
      lastMiss = null;
      if (over.test(reply)) {
        return reply;
      }
      if (System.nanoTime() >= nextProgress) {
        progress.accept(what + " is still running after " + BackupText.duration(elapsedMillis(start)) + "...");
        nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
      }
    }
  }

  private static long elapsedMillis(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static void sleep(long nanos, String what, String lookLater) throws CommandFailure {
    try {
      TimeUnit.NANOSECONDS.sleep(Math.max(0, nanos));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandFailure(CommandFailure.UNREACHABLE, "interrupted while waiting: " + what + " continues "
          + "server-side: check it with " + lookLater);
    }
  }
}
