package io.bulwark.gateway.ratelimit;

import io.bulwark.shared.test.RedisProcess;

import static io.bulwark.gateway.ratelimit.LimiterNodes.assertRedisCheck;
import static io.bulwark.gateway.ratelimit.LimiterNodes.await;
import static io.bulwark.gateway.ratelimit.LimiterNodes.config;
import static io.bulwark.gateway.ratelimit.LimiterNodes.counter;
import static io.bulwark.gateway.ratelimit.LimiterNodes.fire;
import static io.bulwark.gateway.ratelimit.LimiterNodes.hammer;
import static io.bulwark.gateway.ratelimit.LimiterNodes.linesOf;
import static io.bulwark.gateway.ratelimit.LimiterNodes.redisMicros;
import static io.bulwark.gateway.ratelimit.LimiterNodes.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.gateway.ratelimit.LimiterNodes.Node;
import io.bulwark.shared.config.ServiceConfig;
import io.bulwark.shared.test.LogCapture;
import io.bulwark.shared.test.TestPostgres;
import io.bulwark.shared.test.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The limiter against real Redis: several instances sharing one limit exactly, the rate over time, rejected requests
 * taking nothing, the local fallback through a Redis outage and back, open and closed fallbacks, and the headers on a
 * real HTTP response. Every test uses policy names of its own, so runs and other users of the Redis do not collide.
 */
class RedisRateLimiterIT {
  private static RedisProcess own;
  private final LimiterNodes nodes = new LimiterNodes();

  @BeforeAll
  static void startOwnRedis() throws Exception {
    own = new RedisProcess().start();
  }

  @AfterAll
  static void stopOwnRedis() throws Exception {
    own.close();
  }

  @AfterEach
  void closeNodes() throws Exception {
    nodes.close();
  }

  @Test
  void twoInstancesTogetherAdmitExactlyTheLimit() throws Exception {
    String name = unique("cluster");
    JsonObject limits = new JsonObject().put(name, new JsonObject().put("limit", 1000).put("period", "1h").put("burst", 1000));
    ServiceConfig cfg = config(TestRedis.url(), limits, new JsonObject().put(RateLimiter.TIMEOUT_KEY, 10_000));
    Node a = nodes.node(cfg);
    Node b = nodes.node(cfg);
    RateLimitPolicy p = a.limiter().policies().get(name);
    Redis probe = Redis.createClient(a.vertx(), TestRedis.url());
    long before = redisMicros(probe);
    List<List<Decision>> both = await(Future.all(fire(a, p, "key-1", 3000), fire(b, p, "key-1", 3000))).list();
    long elapsed = redisMicros(probe) - before;
    List<Decision> all = new ArrayList<>(both.get(0));
    all.addAll(both.get(1));
    List<Decision> allowed = all.stream().filter(Decision::allowed).toList();
    assertEquals(6000, all.size());
    assertTrue(all.stream().allMatch(d -> d.mode() == Decision.Mode.REDIS), "every decision made in Redis");
    // one request's worth refills every 3.6 s, so a volley quicker than that (any but the most starved machine's)
    // admits exactly the burst; a slower one may admit the refills it lasted for, never more
    long refills = elapsed / p.intervalMicros();
    assertTrue(allowed.size() >= 1000 && allowed.size() <= 1000 + refills, allowed.size() + " admitted in " + elapsed + " µs");
    if (refills == 0) {
      assertEquals(LongStream.range(0, 1000).boxed().collect(Collectors.toSet()),
          allowed.stream().map(Decision::remaining).collect(Collectors.toSet()), "each admission took the next unit of one bucket");
    }
    assertTrue(both.get(0).stream().anyMatch(Decision::allowed) && both.get(1).stream().anyMatch(Decision::allowed),
        "both instances admitted some");
    double admitted = counter(a, name, "allowed", "redis") + counter(b, name, "allowed", "redis");
    double rejected = counter(a, name, "rejected", "redis") + counter(b, name, "rejected", "redis");
    assertEquals(List.of((double) allowed.size(), 6000.0 - allowed.size()), List.of(admitted, rejected));
    String scrape = a.registry().scrape();
    assertTrue(scrape.contains("bulwark_ratelimit_decisions_total{mode=\"redis\",policy=\"" + name + "\",result=\"allowed\"}"), scrape);
    assertTrue(scrape.contains("bulwark_ratelimit_redis_up 1.0"), scrape);
    assertTrue(scrape.contains("bulwark_ratelimit_redis_duration_seconds_count{outcome=\"ok\"}"), scrape);
    System.out.printf("cluster accuracy: %d of 6000 admitted (a %d, b %d) in %d µs%n", allowed.size(),
        both.get(0).stream().filter(Decision::allowed).count(), both.get(1).stream().filter(Decision::allowed).count(), elapsed);
    await(probe.close());
  }

  /**
   * Measured on Redis's clock from the first admission, so neither test-side scheduling nor the moment the instances
   * stop skews it: the credit the instances left unused at the end counts as admitted. The burst covers five seconds, so
   * even a long pause of this shared machine leaves the bucket short of full and costs no admissions either.
   */
  @Test
  void twoInstancesHammeringHoldTheRate() throws Exception {
    String name = unique("rate");
    String warm = unique("warm");
    JsonObject limits = new JsonObject().put(name, new JsonObject().put("limit", 400).put("period", "1s").put("burst", 2000))
        .put(warm, new JsonObject().put("limit", 100).put("period", "1s"));
    ServiceConfig cfg = config(TestRedis.url(), limits, new JsonObject().put(RateLimiter.TIMEOUT_KEY, 10_000));
    Node a = nodes.node(cfg);
    Node b = nodes.node(cfg);
    RateLimitPolicy p = a.limiter().policies().get(name);
    Gcra.Rate rate = Gcra.Rate.of(p);
    String key = "bulwark:rl:" + name + ":key-1";
    // JIT and connection pools warm first, so the measured run starts at full speed
    await(Future.all(hammer(a, a.limiter().policies().get(warm), "w", 8, 500), hammer(b, b.limiter().policies().get(warm), "w", 8, 500)));
    Redis probe = Redis.createClient(a.vertx(), TestRedis.url());
    RedisAPI api = RedisAPI.api(probe);
    long start = redisMicros(probe);
    // the whole burst at once empties the bucket; its TAT then dates the first admission on Redis's clock
    List<List<Decision>> burst = await(Future.all(fire(a, p, "key-1", 1000), fire(b, p, "key-1", 1000))).list();
    long primed = burst.stream().flatMap(List::stream).filter(Decision::allowed).count();
    long firstAdmission = Long.parseLong(await(api.get(key)).toString()) - primed * p.intervalMicros();
    List<long[]> counts = await(Future.all(hammer(a, p, "key-1", 8, 5000), hammer(b, p, "key-1", 8, 5000))).list();
    long end = redisMicros(probe);
    long tat = Long.parseLong(await(api.get(key)).toString());
    long admitted = primed + counts.get(0)[0] + counts.get(1)[0];
    long checks = 2000 + counts.get(0)[1] + counts.get(1)[1];
    assertEquals(0, counts.get(0)[2] + counts.get(1)[2], "every decision made in Redis");
    assertEquals(2000, primed, "the whole burst passes at once");
    long unused = Gcra.remaining(end, rate, tat);
    double expected = p.burst() + (double) (end - firstAdmission) / p.intervalMicros();
    double wallClock = p.burst() + (double) (end - start) / p.intervalMicros();
    System.out.printf("rate accuracy: %d admitted (+%d unused at the end) of %d checks over %.3f s from the first admission;"
        + " burst + rate x time = %.1f (%+.2f %%); from the test's start %.1f (%+.2f %%)%n", admitted, unused, checks,
        (end - firstAdmission) / 1e6, expected, 100.0 * (admitted + unused - expected) / expected, wallClock,
        100.0 * (admitted - wallClock) / wallClock);
    assertTrue(firstAdmission >= start && firstAdmission <= end, "first admission " + firstAdmission + " in [" + start + ", " + end + "]");
    assertTrue(admitted <= wallClock + 1, "GCRA never admits more than burst + rate x time: " + admitted + " > " + wallClock);
    assertTrue(Math.abs(admitted + unused - expected) <= expected * 0.01, admitted + " + " + unused + " admitted, expected "
        + expected + " ± 1 %");
    await(probe.close());
  }

  @Test
  void rejectedRequestsTakeNothing() throws Exception {
    for (String redisUrl : new String[] {TestRedis.url(), null}) {
      String narrow = unique("narrow");
      String wide = unique("wide");
      JsonObject limits = new JsonObject().put(narrow, new JsonObject().put("limit", 1).put("period", "1h"))
          .put(wide, new JsonObject().put("limit", 10).put("period", "1h").put("scope", "tenant"));
      Node n = nodes.node(config(redisUrl, limits, new JsonObject()));
      Decision.Mode mode = redisUrl == null ? Decision.Mode.LOCAL : Decision.Mode.REDIS;
      Subject key = new Subject(n.limiter().policies().get(narrow), "key-1");
      Subject tenant = new Subject(n.limiter().policies().get(wide), "tenant-1");
      assertTrue(await(n.limiter().check(List.of(key))).allowed());
      Decision first = await(n.limiter().check(List.of(tenant)));
      assertEquals(List.of(true, 9L, mode), List.of(first.allowed(), first.remaining(), first.mode()));
      for (int i = 0; i < 5; i++) {
        Decision both = await(n.limiter().check(List.of(tenant, key)));
        assertFalse(both.allowed());
        assertEquals(narrow, both.policy(), "the exhausted policy binds");
        assertTrue(both.retryAfterSeconds() >= 1);
      }
      Decision after = await(n.limiter().check(List.of(tenant)));
      assertEquals(8, after.remaining(), mode + ": the five rejected requests took nothing from " + wide);
      Decision none = await(n.limiter().check(List.of()));
      assertTrue(none.allowed());
      assertNull(none.policy());
    }
  }

  @Test
  void aRedisOutageFallsBackLocallyLogsSparinglyAndRecovers() throws Exception {
    String name = unique("outage");
    JsonObject limits = new JsonObject().put(name, new JsonObject().put("limit", 5).put("period", "1h"));
    Node n = nodes.node(config(own.url(), limits, new JsonObject().put(RateLimiter.PROBE_KEY, 200)
        .put(RateLimiter.LOG_INTERVAL_KEY, 1000).put(RateLimiter.TIMEOUT_KEY, 1000)));
    Subject s = new Subject(n.limiter().policies().get(name), "key-1");
    assertEquals(Decision.Mode.REDIS, await(n.limiter().check(List.of(s))).mode());
    assertRedisCheck(n, "UP", "UP");
    try (LogCapture logs = new LogCapture()) {
      own.stop();
      List<Decision> during = new ArrayList<>();
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3500);
      while (System.nanoTime() < end) {
        during.add(await(n.limiter().check(List.of(s))));
        Thread.sleep(5);
      }
      assertTrue(during.size() >= 200, during.size() + " checks");
      assertTrue(during.stream().allMatch(d -> d.mode() == Decision.Mode.LOCAL), "all decided locally");
      assertEquals(5, during.stream().filter(Decision::allowed).count(), "the limit still holds on this instance");
      assertEquals(1, n.registry().get(RateLimitMetrics.REDIS_DURATION).tag("outcome", "failed").timer().count(),
          "only the request that found Redis gone went to it; the rest never waited on it");
      JsonObject check = assertRedisCheck(n, "DEGRADED", "DOWN");
      assertTrue(check.getString("error").contains("'local' fallback"), check.encode());
      assertTrue(n.registry().scrape().contains("bulwark_ratelimit_redis_up 0.0"));

      List<JsonObject> warns = linesOf(logs, "WARN");
      System.out.printf("outage: %d checks during %d ms, %d WARN lines: %s%n", during.size(), 3500, warns.size(),
          warns.stream().map(w -> w.getString("event") + "/" + w.getValue("fallbackDecisions")).toList());
      assertTrue(warns.size() >= 2 && warns.size() <= 5, warns.size() + " WARN lines: " + warns);
      assertEquals("ratelimit.redis_down", warns.get(0).getString("event"));
      assertTrue(warns.subList(1, warns.size()).stream().allMatch(w -> "ratelimit.redis_still_down".equals(w.getString("event"))
          && w.getLong("fallbackDecisions") > 0), warns.toString());

      own.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      Decision back = await(n.limiter().check(List.of(s)));
      while (back.mode() != Decision.Mode.REDIS && System.nanoTime() < deadline) {
        Thread.sleep(50);
        back = await(n.limiter().check(List.of(s)));
      }
      assertEquals(Decision.Mode.REDIS, back.mode(), "back on Redis within a few probes");
      assertTrue(back.allowed(), "the restarted Redis is empty, so the bucket is full");
      List<JsonObject> infos = linesOf(logs, "INFO");
      assertEquals(1, infos.stream().filter(l -> "ratelimit.redis_recovered".equals(l.getString("event"))).count(), infos.toString());
      assertRedisCheck(n, "UP", "UP");
      assertTrue(n.registry().scrape().contains("bulwark_ratelimit_redis_up 1.0"));
    }
  }

  @Test
  void aFlushedScriptIsLoadedAgainWithoutFallingBack() throws Exception {
    String name = unique("flush");
    Node n = nodes.node(config(own.url(), new JsonObject().put(name, new JsonObject().put("limit", 3).put("period", "1h")),
        new JsonObject().put(RateLimiter.TIMEOUT_KEY, 1000)));
    Subject s = new Subject(n.limiter().policies().get(name), "key-1");
    assertEquals(Decision.Mode.REDIS, await(n.limiter().check(List.of(s))).mode());
    Redis direct = Redis.createClient(n.vertx(), own.url());
    try (LogCapture logs = new LogCapture()) {
      await(RedisAPI.api(direct).script(List.of("FLUSH")));
      Decision d = await(n.limiter().check(List.of(s)));
      assertEquals(List.of(true, 1L, Decision.Mode.REDIS), List.of(d.allowed(), d.remaining(), d.mode()));
      assertEquals(List.of(), linesOf(logs, "WARN"));
    } finally {
      await(direct.close());
    }
  }

  @Test
  void closedAndOpenFallbacksDecideWhileRedisIsAway() throws Exception {
    String nowhere = "redis://127.0.0.1:" + TestPostgres.freePort();
    String name = unique("away");
    JsonObject limits = new JsonObject().put(name, new JsonObject().put("limit", 5).put("period", "1m"));
    Node closed = nodes.node(config(nowhere, limits, new JsonObject().put(RateLimiter.FALLBACK_KEY, "closed")));
    Node open = nodes.node(config(nowhere, limits, new JsonObject().put(RateLimiter.FALLBACK_KEY, "OPEN")));
    for (int i = 0; i < 10; i++) {
      Decision c = await(closed.limiter().check(List.of(new Subject(closed.limiter().policies().get(name), "k"))));
      assertEquals(List.of(false, Decision.Mode.CLOSED, 1L), List.of(c.allowed(), c.mode(), c.retryAfterSeconds()));
      Decision o = await(open.limiter().check(List.of(new Subject(open.limiter().policies().get(name), "k"))));
      assertEquals(List.of(true, Decision.Mode.OPEN), List.of(o.allowed(), o.mode()));
    }
    assertTrue(assertRedisCheck(closed, "DEGRADED", "DOWN").getString("error").contains("'closed' fallback"));
    assertTrue(assertRedisCheck(open, "DEGRADED", "DOWN").getString("error").contains("'open' fallback"));
    assertEquals(10.0, counter(closed, name, "rejected", "closed"));
    assertEquals(10.0, counter(open, name, "allowed", "open"));
  }

  @Test
  void withoutRedisLimitsArePerInstanceAndSaidOnce() throws Exception {
    String name = unique("solo");
    try (LogCapture logs = new LogCapture()) {
      Node n = nodes.node(config(null, new JsonObject().put(name, new JsonObject().put("limit", 3).put("period", "1h")),
          new JsonObject().put(RateLimiter.FALLBACK_KEY, "closed")));
      Subject s = new Subject(n.limiter().policies().get(name), "key-1");
      List<Decision> ds = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        ds.add(await(n.limiter().check(List.of(s))));
      }
      assertEquals(List.of(true, true, true, false, false, false), ds.stream().map(Decision::allowed).toList());
      assertTrue(ds.stream().allMatch(d -> d.mode() == Decision.Mode.LOCAL));
      JsonObject check = assertRedisCheck(n, "UP", "UP");
      assertEquals(List.of("local", false), List.of(check.getString("mode"), check.getBoolean("configured")));
      assertEquals(1, linesOf(logs, "INFO").stream().filter(l -> "ratelimit.local_only".equals(l.getString("event"))).count());
      assertEquals(List.of(), linesOf(logs, "WARN"));
    }
  }

  @Test
  void headersOnARealResponse() throws Exception {
    String name = unique("hdr");
    Node n = nodes.node(config(TestRedis.url(), new JsonObject().put(name, new JsonObject().put("limit", 2).put("period", "1h")),
        new JsonObject()));
    Subject s = new Subject(n.limiter().policies().get(name), "key-1");
    HttpServer server = await(n.vertx().createHttpServer().requestHandler(req -> n.limiter().check(List.of(s)).onSuccess(d -> {
      RateLimitHeaders.apply(req.response(), d);
      req.response().setStatusCode(d.allowed() ? 200 : 429).end();
    })).listen(0, "127.0.0.1"));
    WebClient client = WebClient.create(n.vertx());
    List<HttpResponse<Buffer>> responses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      responses.add(await(client.get(server.actualPort(), "127.0.0.1", "/").send()));
    }
    // T = 1800 s; the first response is measured at its own admission, so its reset is exact
    assertHeaders(responses.get(0), 200, "2", "1", 1800, 1800, false);
    // the second was admitted a moment after the first: the bucket is a moment short of two intervals from full
    assertHeaders(responses.get(1), 200, "2", "0", 1801, 3600, false);
    HttpResponse<Buffer> third = responses.get(2);
    assertHeaders(third, 429, "2", "0", 1801, 3600, true);
    long retryAfter = Long.parseLong(third.getHeader("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 1800, "Retry-After " + retryAfter);
    assertEquals(1800, Long.parseLong(third.getHeader("RateLimit-Reset")) - retryAfter,
        "it may pass once one interval has refilled, one interval before the bucket is full");
    assertEquals("100;w=1", RateLimitHeaders.policy(100, Duration.ofSeconds(1)));
    assertEquals("200;w=1", RateLimitHeaders.policy(100, Duration.ofMillis(500)));
    assertEquals("5;w=2", RateLimitHeaders.policy(4, Duration.ofMillis(1500)));
    client.close();
    await(server.close());
  }

  private static void assertHeaders(HttpResponse<Buffer> r, int status, String limit, String remaining, long resetFrom,
                                    long resetTo, boolean retryAfter) {
    String where = "status " + r.statusCode() + " headers " + r.headers();
    assertEquals(status, r.statusCode(), where);
    assertEquals(limit, r.getHeader("RateLimit-Limit"), where);
    assertEquals(remaining, r.getHeader("RateLimit-Remaining"), where);
    long reset = Long.parseLong(r.getHeader("RateLimit-Reset"));
    assertTrue(reset >= resetFrom && reset <= resetTo, where);
    assertEquals("2;w=3600", r.getHeader("RateLimit-Policy"), where);
    assertEquals(retryAfter, r.getHeader("Retry-After") != null, where);
  }


}
