package io.bulwark.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.bulwark.shared.config.ServiceConfig;
import io.bulwark.shared.management.Readiness;
import io.bulwark.shared.test.LogCapture;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Gateway instances for the rate limiter ITs, each a Vert.x of its own with its limiter, metrics and readiness, and the
 * ways the tests drive them: a volley of checks at once, or workers checking back to back for a while.
 */
final class LimiterNodes implements AutoCloseable {
  private final List<Node> nodes = new ArrayList<>();

  /** One gateway instance. */
  record Node(Vertx vertx, RateLimiter limiter, PrometheusMeterRegistry registry, Readiness readiness) {}

  Node node(ServiceConfig cfg) throws Exception {
    Vertx vertx = Vertx.vertx();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Readiness readiness = new Readiness(vertx, "gateway", 1000);
    RateLimiter limiter = RateLimiter.create(vertx, cfg, registry, readiness);
    Node n = new Node(vertx, limiter, registry, readiness);
    nodes.add(n);
    await(limiter.start());
    return n;
  }

  static JsonObject assertRedisCheck(Node n, String status, String checkStatus) throws Exception {
    await(n.readiness().refresh());
    JsonObject snap = n.readiness().snapshot();
    assertEquals(status, snap.getString("status"), snap.encode());
    JsonObject check = snap.getJsonObject("checks").getJsonObject(RateLimiter.READINESS_CHECK);
    assertEquals(checkStatus, check.getString("status"), snap.encode());
    assertFalse(check.getBoolean("required"));
    return check;
  }

  static List<JsonObject> linesOf(LogCapture logs, String level) {
    return logs.lines().stream().filter(l -> level.equals(l.getString("level")))
        .filter(l -> String.valueOf(l.getString("logger", l.getString("logger_name"))).endsWith("RateLimiter")).toList();
  }

  /** {@code count} checks issued at once from the node's own event loop. */
  static Future<List<Decision>> fire(Node n, RateLimitPolicy p, String id, int count) {
    Promise<List<Decision>> done = Promise.promise();
    n.vertx().runOnContext(v -> {
      List<Future<Decision>> fs = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        fs.add(n.limiter().check(List.of(new Subject(p, id))));
      }
      Future.all(fs).onComplete(ar -> done.complete(fs.stream().map(Future::result).toList()));
    });
    return done.future();
  }

  /** {@code workers} loops checking back to back for {@code millis}: {admitted, checks, not decided by Redis}. */
  static Future<long[]> hammer(Node n, RateLimitPolicy p, String id, int workers, long millis) {
    Promise<long[]> done = Promise.promise();
    long[] counts = new long[3];
    int[] running = {workers};
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    n.vertx().runOnContext(v -> {
      for (int w = 0; w < workers; w++) {
        loop(n, new Subject(p, id), deadline, counts, () -> {
          if (--running[0] == 0) {
            done.complete(counts);
          }
        });
      }
    });
    return done.future();
  }

  static void loop(Node n, Subject s, long deadline, long[] counts, Runnable finished) {
    if (System.nanoTime() >= deadline) {
      finished.run();
      return;
    }
    n.limiter().check(List.of(s)).onComplete(ar -> {
      counts[1]++;
      if (ar.succeeded() && ar.result().allowed()) {
        counts[0]++;
      }
      if (ar.failed() || ar.result().mode() != Decision.Mode.REDIS) {
        counts[2]++;
      }
      loop(n, s, deadline, counts, finished);
    });
  }

  static long redisMicros(Redis redis) throws Exception {
    Response time = await(RedisAPI.api(redis).time());
    return time.get(0).toLong() * 1_000_000 + time.get(1).toLong();
  }

  static double counter(Node n, String policy, String result, String mode) {
    return n.registry().get(RateLimitMetrics.DECISIONS).tags("policy", policy, "result", result, "mode", mode).counter().count();
  }

  static ServiceConfig config(String redisUrl, JsonObject limits, JsonObject extra) {
    JsonObject raw = new JsonObject().put("MANAGEMENT_PORT", 0).put("DATABASE_URL", "postgres://postgres@127.0.0.1/bulwark")
        // as an environment variable would hand it over: JSON in a string
        .put(RateLimitPolicies.KEY, limits.encode());
    if (redisUrl != null) {
      raw.put("REDIS_URL", redisUrl);
    }
    return ServiceConfig.of("gateway", raw.mergeIn(extra));
  }

  static String unique(String prefix) {
    return prefix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    for (Node n : nodes) {
      await(n.limiter().close());
      await(n.vertx().close());
    }
    nodes.clear();
  }
}
