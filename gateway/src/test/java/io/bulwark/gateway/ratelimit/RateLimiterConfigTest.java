package io.bulwark.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.config.ConfigException;
import io.bulwark.shared.config.ServiceConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The limiter's own settings, and its in-memory mode (no REDIS_URL) called from its own and from other event loops. */
class RateLimiterConfigTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static ServiceConfig config(JsonObject extra) {
    return ServiceConfig.of("gateway", new JsonObject().put("MANAGEMENT_PORT", 0)
        .put("DATABASE_URL", "postgres://postgres@127.0.0.1/bulwark").mergeIn(extra));
  }

  private RateLimiter create(JsonObject extra) {
    return RateLimiter.create(vertx, config(extra), new SimpleMeterRegistry(), null);
  }

  @Test
  void badSettingsNameTheirKey() {
    List<JsonObject> bad = List.of(new JsonObject().put("BULWARK_RATE_LIMIT_FALLBACK", "sometimes"),
        new JsonObject().put("BULWARK_RATE_LIMIT_REDIS_TIMEOUT_MS", 0),
        new JsonObject().put("BULWARK_RATE_LIMIT_PROBE_MS", "soon"),
        new JsonObject().put("BULWARK_RATE_LIMIT_LOG_INTERVAL_MS", 5),
        new JsonObject().put("BULWARK_RATE_LIMITS", "{\"p\": {\"limit\": 1}}"));
    for (JsonObject extra : bad) {
      ConfigException e = assertThrows(ConfigException.class, () -> create(extra), extra.encode());
      String key = extra.fieldNames().iterator().next();
      assertTrue(e.getMessage().startsWith("invalid configuration: " + key + " "), e.getMessage());
    }
  }

  @Test
  void withoutRedisThereIsNoRedisUpGaugeToAlertOn() {
    io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    RateLimiter.create(vertx, config(new JsonObject()), registry, null);
    String scrape = registry.scrape();
    assertTrue(scrape.contains("bulwark_ratelimit_decisions_total"), scrape);
    assertTrue(!scrape.contains("bulwark_ratelimit_redis_up"), "a gateway without REDIS_URL limits locally by design: " + scrape);
  }

  @Test
  void noPoliciesAndNoSubjectsMeanNoLimit() throws Exception {
    RateLimiter limiter = create(new JsonObject());
    assertTrue(limiter.policies().isEmpty());
    Decision d = await(limiter.check(List.of()));
    assertEquals(Decision.unlimited(), d);
  }

  @Test
  void inMemoryDecisionsHoldFromAnyEventLoop() throws Exception {
    RateLimiter limiter = create(new JsonObject().put("BULWARK_RATE_LIMITS",
        new JsonObject().put("p", new JsonObject().put("limit", 100).put("period", "1h"))));
    await(limiter.start());
    Subject s = new Subject(limiter.policies().get("p"), "key-1");
    // eight contexts (spread over the event loops) check at once; the limit holds exactly across them
    List<Future<List<Decision>>> volleys = new ArrayList<>();
    for (int c = 0; c < 8; c++) {
      Promise<List<Decision>> volley = Promise.promise();
      vertx.getOrCreateContext().runOnContext(v -> {
        List<Future<Decision>> fs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          fs.add(limiter.check(List.of(s)));
        }
        Future.all(fs).onComplete(ar -> volley.complete(fs.stream().map(Future::result).toList()));
      });
      volleys.add(volley.future());
    }
    long allowed = 0;
    for (Future<List<Decision>> f : volleys) {
      for (Decision d : await(f)) {
        assertEquals(Decision.Mode.LOCAL, d.mode());
        allowed += d.allowed() ? 1 : 0;
      }
    }
    assertEquals(100, allowed);
    assertEquals(0, await(limiter.check(List.of(s))).remaining());
    await(limiter.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
