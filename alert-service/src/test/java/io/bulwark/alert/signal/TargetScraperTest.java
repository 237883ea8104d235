package io.bulwark.alert.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.config.ConfigException;
import io.bulwark.shared.config.ServiceConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scrapes a loopback server standing in for a Bulwark management port, and one that is not there. */
class TargetScraperTest {
  static Vertx vertx;
  static HttpServer server;
  static final AtomicBoolean ready = new AtomicBoolean(true);

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    server = await(vertx.createHttpServer().requestHandler(req -> {
      switch (req.path()) {
        case "/metrics" -> req.response().putHeader("content-type", "text/plain; version=0.0.4")
            .end("# TYPE c_total counter\nc_total{service=\"probe\",} 7.0\nnot wanted 1\ng 2\n");
        case "/ready" -> req.response().setStatusCode(ready.get() ? 200 : 503).end("{}");
        default -> req.response().setStatusCode(404).end();
      }
    }).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void scrapesMetricsProbesReadinessAndWritesSyntheticSeries() throws Exception {
    SampleStore store = new SampleStore(SampleStore.Tiers.forInterval(Duration.ofSeconds(1)), 100, Duration.ofHours(1),
        null);
    store.want(Set.of("c_total"));
    Map<String, URI> targets = new LinkedHashMap<>();
    targets.put("probe", URI.create("http://127.0.0.1:" + server.actualPort()));
    targets.put("dead", URI.create("http://127.0.0.1:1"));
    SimpleMeterRegistry reg = new SimpleMeterRegistry();
    TargetScraper scraper = new TargetScraper(vertx, targets, store, Duration.ofSeconds(1), Clock.systemUTC(), reg);
    await(scraper.start());
    ready.set(false);
    await(scraper.scrapeAll());
    ready.set(true);
    await(scraper.scrapeAll());
    await(scraper.stop());

    Instant since = Instant.now().minusSeconds(60);
    assertEquals(7.0, store.select(Selector.parse("c_total{instance=\"probe\",service=\"probe\"}")).get(0).latest(since)
        .orElseThrow());
    assertTrue(store.select(Selector.parse("g")).isEmpty(), "only wanted names are kept");
    assertEquals(1.0, latest(store, "up{instance=\"probe\"}", since));
    assertEquals(0.0, latest(store, "up{instance=\"dead\"}", since));
    assertEquals(1.0, latest(store, "bulwark_target_ready{instance=\"probe\"}", since));
    assertEquals(0.0, latest(store, "bulwark_target_ready{instance=\"dead\"}", since));
    assertEquals(1, scraper.readiness().get("probe").failuresWithin(Duration.ofMinutes(5), Instant.now()));
    assertEquals(Boolean.TRUE, scraper.readiness().get("probe").lastOk());
    assertEquals(Boolean.FALSE, scraper.readiness().get("dead").lastOk());
    assertTrue(reg.get(TargetScraper.SCRAPES).tag("target", "probe").tag("result", "success").counter().count() >= 2);
    assertTrue(reg.get(TargetScraper.FAILURES).tag("target", "dead").counter().count() >= 2);
    assertTrue(reg.get(TargetScraper.DURATION).tag("target", "probe").timer().count() >= 2);
  }

  @Test
  void listenersHearOfEachRoundOnceEveryTargetAnswered() throws Exception {
    SampleStore store = new SampleStore(SampleStore.Tiers.forInterval(Duration.ofMillis(100)), 100, Duration.ofHours(1),
        null);
    store.want(Set.of("c_total"));
    TargetScraper scraper = new TargetScraper(vertx, Map.of("probe", URI.create("http://127.0.0.1:" + server.actualPort())),
        store, Duration.ofMillis(100), Clock.systemUTC(), null);
    java.util.concurrent.CountDownLatch rounds = new java.util.concurrent.CountDownLatch(3);
    java.util.concurrent.atomic.AtomicBoolean sawSamples = new java.util.concurrent.atomic.AtomicBoolean(true);
    scraper.onRound(() -> {
      // the round's samples are in the store when listeners hear of it: an evaluation then sees them
      sawSamples.compareAndSet(true, !store.select(Selector.parse("c_total")).isEmpty());
      rounds.countDown();
    });
    await(scraper.start());
    assertTrue(rounds.await(10, java.util.concurrent.TimeUnit.SECONDS), "three rounds heard");
    await(scraper.stop());
    assertTrue(sawSamples.get(), "every round's samples were stored before its listeners ran");
  }

  static double latest(SampleStore store, String selector, Instant since) {
    List<Series> s = store.select(Selector.parse(selector));
    assertEquals(1, s.size(), selector);
    return s.get(0).latest(since).orElseThrow();
  }

  static ServiceConfig config(JsonObject extra) {
    return ServiceConfig.of("alert", new JsonObject().put("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x")
        .put("MANAGEMENT_PORT", 9083).mergeIn(extra));
  }

  @Test
  void targetsFromConfigOrTheSuppliedDefault() {
    Map<String, URI> t = Targets.fromConfig(config(new JsonObject().put(Targets.KEY,
        "gateway=http://10.0.0.1:9080/, audit = http://10.0.0.2:9081")), Targets::localDefault);
    assertEquals(List.of("gateway", "audit"), List.copyOf(t.keySet()));
    assertEquals(URI.create("http://10.0.0.1:9080"), t.get("gateway"));
    Map<String, URI> d = Targets.fromConfig(config(new JsonObject()), () -> Map.of("gateway", "http://127.0.0.1:41234"));
    assertEquals(Map.of("gateway", URI.create("http://127.0.0.1:41234")), d);
    assertEquals(4, Targets.fromConfig(config(new JsonObject()), Targets::localDefault).size());
    assertThrows(ConfigException.class, () -> Targets.parse("gateway"));
    assertThrows(ConfigException.class, () -> Targets.parse("a=http://x:1,a=http://y:2"));
    assertThrows(ConfigException.class, () -> Targets.parse("a=ftp://x:1"));
  }
}
