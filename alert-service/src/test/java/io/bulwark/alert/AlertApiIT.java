package io.bulwark.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.lifecycle.Bulwark;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestPostgres;
import io.bulwark.shared.test.TestServices;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * alert-service as it runs: its Alertmanager-compatible intake on the management port, its bus API, and the state kept
 * across a restart.
 */
class AlertApiIT {
  private static final String TOKEN = "it-intake-token-5f1c0d";
  private static TestPostgres db;
  private static Map<String, String> env;
  private static Bulwark running;

  @BeforeAll
  static void start() {
    db = TestPostgres.create("alert_api");
    env = TestServices.env(db.databaseUrl(), List.of(AlertService.DEFINITION));
    env.put("BULWARK_ALERT_EVALUATION_INTERVAL", "200ms");
    env.put("BULWARK_ALERT_EXTERNAL_RESOLVE_TIMEOUT", "2s");
    env.put("BULWARK_ALERT_INTAKE_TOKEN", TOKEN);
    env.put("BULWARK_ALERT_RESOLVED_RETENTION", "10m");
    env.put("BULWARK_ALERT_RETENTION_INTERVAL", "200ms");
    running = TestServices.start(List.of(AlertService.DEFINITION), env);
  }

  @AfterAll
  static void stop() {
    TestServices.stop(running);
    db.close();
  }

  private static String intake() {
    return "http://127.0.0.1:" + TestServices.managementPort(running, "alert") + "/api/v2/alerts";
  }

  private static HttpResponse<String> post(String body) {
    return Http.post(intake(), body, "Content-Type", "application/json", "Authorization", "Bearer " + TOKEN);
  }

  private static JsonObject alert(String name, String instance, Instant endsAt) {
    JsonObject a = new JsonObject().put("labels", new JsonObject().put("alertname", name).put("instance", instance)
            .put("severity", "warning"))
        .put("annotations", new JsonObject().put("summary", name + " on " + instance))
        .put("startsAt", Instant.now().minusSeconds(30).toString()).put("generatorURL", "http://prometheus.example/graph");
    if (endsAt != null) {
      a.put("endsAt", endsAt.toString());
    }
    return a;
  }

  @Test
  void intakeTakesAlertmanagerBatchesIntoTheLifecycle() {
    JsonArray batch = new JsonArray().add(alert("DiskFull", "db1", null)).add(alert("DiskFull", "db2", null));
    assertEquals(200, post(batch.encode()).statusCode());
    assertEquals(200, post(batch.encode()).statusCode(), "a repeat is a refresh, not new alerts");
    JsonArray open = bus(Addresses.ALERT_LIST, new JsonObject().put("state", "firing").put("labels", new JsonObject()
        .put("alertname", "DiskFull"))).getJsonArray("alerts");
    assertEquals(2, open.size());
    JsonObject db1 = open.stream().map(JsonObject.class::cast).filter(a -> a.getJsonObject("labels").getString("instance")
        .equals("db1")).findFirst().orElseThrow();
    assertEquals("external", db1.getString("source"));
    assertEquals("http://prometheus.example/graph", db1.getJsonObject("annotations").getString("generatorURL"));

    // Prometheus sends endsAt in the past when its alert resolved
    assertEquals(200, post(new JsonArray().add(alert("DiskFull", "db1", Instant.now().minusSeconds(1))).encode()).statusCode());
    JsonObject got = bus(Addresses.ALERT_GET, new JsonObject().put("id", db1.getString("id"))).getJsonObject("alert");
    assertEquals("resolved", got.getString("state"));
    assertEquals("source", got.getString("resolvedBy"));

    // not refreshed within the resolve timeout (2 s here): resolved by the evaluation loop
    JsonObject openDiskFull = new JsonObject().put("state", "open").put("labels", new JsonObject().put("alertname", "DiskFull"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!bus(Addresses.ALERT_LIST, openDiskFull.copy()).getJsonArray("alerts").isEmpty() && System.nanoTime() < deadline) {
      Http.sleep(100);
    }
    JsonObject db2 = bus(Addresses.ALERT_LIST, new JsonObject().put("labels", new JsonObject().put("instance", "db2")))
        .getJsonArray("alerts").getJsonObject(0);
    assertEquals("resolved", db2.getString("state"), db2.encode());
    assertEquals("auto", db2.getString("resolvedBy"));
  }

  @Test
  void concurrentPostsAreTakenTogetherAndEachAlertOnce() throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<Integer>> posts = new java.util.ArrayList<>();
      for (int p = 0; p < 40; p++) {
        JsonArray batch = new JsonArray();
        for (int i = 0; i < 5; i++) {
          batch.add(alert("Burst", "p" + p + "-" + i, Instant.now().plusSeconds(3600)));
        }
        // every batch twice: the second is a refresh, wherever it lands among the others
        posts.add(pool.submit(() -> post(batch.encode()).statusCode()));
        posts.add(pool.submit(() -> post(batch.encode()).statusCode()));
      }
      for (java.util.concurrent.Future<Integer> f : posts) {
        assertEquals(200, f.get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    JsonArray open = bus(Addresses.ALERT_LIST, new JsonObject().put("state", "open").put("limit", 1000)
        .put("labels", new JsonObject().put("alertname", "Burst"))).getJsonArray("alerts");
    assertEquals(200, open.size(), "one alert per label set");
    assertEquals(200, open.stream().map(a -> ((JsonObject) a).getString("fingerprint")).distinct().count());
  }

  @Test
  void badBatchesAreRefusedWholeWithACodeAndRequestId() {
    String[] bad = {
        "", "{}", "[1]", "not json", "[{\"labels\":{}}]", "[{\"labels\":{\"severity\":\"x\"}}]",
        "[{\"labels\":{\"alertname\":\"A\",\"bad-name\":\"x\"}}]", "[{\"labels\":{\"alertname\":7}}]",
        "[{\"labels\":{\"alertname\":\"A\"},\"startsAt\":\"yesterday\"}]",
        "[{\"labels\":{\"alertname\":\"Good\"}},{\"labels\":{\"alertname\":\"A\"},\"annotations\":[]}]",
        // PostgreSQL cannot keep a NUL character in text: refused here, not a 503 for this batch and its neighbours
        "[{\"labels\":{\"alertname\":\"Good\"}},{\"labels\":{\"alertname\":\"A\",\"x\":\"a\\u0000b\"}}]",
        "[{\"labels\":{\"alertname\":\"Good\"},\"annotations\":{\"summary\":\"\\u0000\"}}]",
        "[{\"labels\":{\"alertname\":\"Good\"},\"generatorURL\":\"http://x/\\u0000\"}]"
    };
    for (String body : bad) {
      HttpResponse<String> r = post(body);
      assertEquals(400, r.statusCode(), body + " → " + r.body());
      JsonObject problem = new JsonObject(r.body());
      assertTrue(problem.getString("code").startsWith("validation."), r.body());
      assertNotNull(problem.getString("requestId"), r.body());
    }
    assertTrue(bus(Addresses.ALERT_LIST, new JsonObject().put("labels", new JsonObject().put("alertname", "Good")))
        .getJsonArray("alerts").isEmpty(), "nothing of a refused batch is kept");
    HttpResponse<String> noToken = Http.post(intake(), "[]", "Content-Type", "application/json");
    assertEquals(401, noToken.statusCode());
    HttpResponse<String> wrongToken = Http.post(intake(), "[]", "Content-Type", "application/json", "Authorization", "Bearer nope");
    assertEquals(401, wrongToken.statusCode());
  }

  @Test
  void acknowledgeResolveAndSilenceOverTheBus() {
    assertEquals(200, post(new JsonArray().add(alert("QueueBacklog", "spool", null)).encode()).statusCode());
    String id = bus(Addresses.ALERT_LIST, new JsonObject().put("labels", new JsonObject().put("alertname", "QueueBacklog")))
        .getJsonArray("alerts").getJsonObject(0).getString("id");
    JsonObject acked = bus(Addresses.ALERT_ACK, new JsonObject().put("id", id).put("actor", "op:abc").put("comment", "on it"))
        .getJsonObject("alert");
    assertEquals("acknowledged", acked.getString("state"));
    assertEquals("op:abc", acked.getString("acknowledgedBy"));
    assertEquals(400, busFailure(Addresses.ALERT_ACK, new JsonObject().put("id", "nope").put("actor", "x")));
    assertEquals(400, busFailure(Addresses.ALERT_ACK, new JsonObject().put("id", id)), "an actor is required");
    assertEquals(404, busFailure(Addresses.ALERT_ACK, new JsonObject().put("id", "00000000-0000-0000-0000-000000000000")
        .put("actor", "x")));
    assertEquals(400, busFailure(Addresses.ALERT_LIST, new JsonObject().put("state", "burning")));
    assertEquals(400, busFailure(Addresses.ALERT_LIST, new JsonObject().put("limit", 0)));

    JsonObject silence = bus(Addresses.ALERT_SILENCE_CREATE, new JsonObject().put("matchers", new JsonArray()
            .add(new JsonObject().put("name", "alertname").put("value", "QueueBacklog")))
        .put("durationSeconds", 3600).put("createdBy", "op:abc").put("comment", "draining the spool")).getJsonObject("silence");
    assertEquals("active", silence.getString("status"));
    JsonObject muted = bus(Addresses.ALERT_GET, new JsonObject().put("id", id)).getJsonObject("alert");
    assertEquals(silence.getString("id"), muted.getString("silencedBy"));
    assertEquals(1, bus(Addresses.ALERT_SILENCE_LIST, new JsonObject()).getJsonArray("silences").stream()
        .filter(s -> ((JsonObject) s).getString("id").equals(silence.getString("id"))).count());
    for (JsonObject bad : List.of(
        new JsonObject().put("matchers", new JsonArray()).put("durationSeconds", 60).put("createdBy", "x").put("comment", "c"),
        new JsonObject().put("matchers", new JsonArray().add(new JsonObject().put("name", "a").put("value", ".*").put("isRegex", true)))
            .put("durationSeconds", 60).put("createdBy", "x").put("comment", "c"),
        new JsonObject().put("matchers", new JsonArray().add(new JsonObject().put("name", "a").put("value", "(").put("isRegex", true)))
            .put("durationSeconds", 60).put("createdBy", "x").put("comment", "c"),
        new JsonObject().put("matchers", new JsonArray().add(new JsonObject().put("name", "a").put("value", "b")))
            .put("createdBy", "x").put("comment", "c"),
        new JsonObject().put("matchers", new JsonArray().add(new JsonObject().put("name", "a").put("value", "b")))
            .put("durationSeconds", Integer.MAX_VALUE).put("createdBy", "x").put("comment", "c"),
        new JsonObject().put("matchers", new JsonArray().add(new JsonObject().put("name", "a").put("value", "b")))
            .put("durationSeconds", 60).put("createdBy", "x"))) {
      assertEquals(400, busFailure(Addresses.ALERT_SILENCE_CREATE, bad), bad.encode());
    }
    JsonObject expired = bus(Addresses.ALERT_SILENCE_DELETE, new JsonObject().put("id", silence.getString("id")).put("actor", "op:abc"))
        .getJsonObject("silence");
    assertEquals("expired", expired.getString("status"));
    assertEquals("op:abc", expired.getString("expiredBy"));
    assertEquals(false, bus(Addresses.ALERT_GET, new JsonObject().put("id", id)).getJsonObject("alert").getBoolean("silenced"));
    assertEquals(404, busFailure(Addresses.ALERT_SILENCE_DELETE, new JsonObject().put("id", "00000000-0000-0000-0000-000000000001")
        .put("actor", "x")));

    JsonObject resolved = bus(Addresses.ALERT_RESOLVE, new JsonObject().put("id", id).put("actor", "op:abc")).getJsonObject("alert");
    assertEquals("resolved", resolved.getString("state"));
    assertEquals(409, busFailure(Addresses.ALERT_RESOLVE, new JsonObject().put("id", id).put("actor", "op:abc")));
  }

  @Test
  void stateSurvivesARestartAndMetricsCountOpenAlerts() {
    assertEquals(200, post(new JsonArray().add(alert("RestartProbe", "x", Instant.now().plusSeconds(3600))).encode()).statusCode());
    String id = bus(Addresses.ALERT_LIST, new JsonObject().put("labels", new JsonObject().put("alertname", "RestartProbe")))
        .getJsonArray("alerts").getJsonObject(0).getString("id");
    String metrics = Http.get("http://127.0.0.1:" + TestServices.managementPort(running, "alert") + "/metrics").body();
    assertTrue(metrics.contains("bulwark_alert_alerts{service=\"alert\",severity=\"warning\",state=\"firing\"}")
        || metrics.contains("bulwark_alert_alerts{severity=\"warning\",service=\"alert\",state=\"firing\"}"), metrics);
    TestServices.stop(running);
    running = TestServices.start(List.of(AlertService.DEFINITION), env);
    JsonObject again = bus(Addresses.ALERT_GET, new JsonObject().put("id", id)).getJsonObject("alert");
    assertEquals("firing", again.getString("state"));
    assertEquals(200, post(new JsonArray().add(alert("RestartProbe", "x", Instant.now().plusSeconds(3600))).encode()).statusCode());
    assertEquals(1, bus(Addresses.ALERT_LIST, new JsonObject().put("state", "open").put("labels", new JsonObject()
        .put("alertname", "RestartProbe"))).getJsonArray("alerts").size(), "the same alert after the restart, not a second");
  }

  @Test
  void theLeaderSweepsResolvedAlertsPastTheirRetention() throws Exception {
    try (java.sql.Connection c = db.jdbc(); java.sql.Statement st = c.createStatement()) {
      st.execute("INSERT INTO alert.alerts (id, fingerprint, rule, severity, state, resolved_at, notified_state) VALUES"
          + " (gen_random_uuid(), 'old-one', 'LongGone', 'info', 'resolved', now() - interval '11 minutes', 'resolved'),"
          + " (gen_random_uuid(), 'recent-one', 'JustGone', 'info', 'resolved', now() - interval '9 minutes', 'resolved')");
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<String> left;
    do {
      Http.sleep(100);
      left = new java.util.ArrayList<>();
      try (java.sql.Connection c = db.jdbc(); java.sql.Statement st = c.createStatement();
           java.sql.ResultSet rs = st.executeQuery("SELECT rule FROM alert.alerts WHERE rule IN ('LongGone', 'JustGone')")) {
        while (rs.next()) {
          left.add(rs.getString(1));
        }
      }
    } while (left.contains("LongGone") && System.nanoTime() < deadline);
    assertEquals(List.of("JustGone"), left, "past BULWARK_ALERT_RESOLVED_RETENTION (10m) and only that");
    assertTrue(Http.get("http://127.0.0.1:" + TestServices.managementPort(running, "alert") + "/metrics").body()
        .contains("bulwark_alert_retention_deleted_total{service=\"alert\",table=\"alerts\"} 1.0"));
  }

  @Test
  void aSecondInstanceStandsByAndTakesTheLeadWhenTheLeaderStops() {
    assertEquals(200, post(new JsonArray().add(alert("LeaderProbe", "y", Instant.now().plusSeconds(3600))).encode()).statusCode());
    Map<String, String> second = new java.util.HashMap<>(env);
    Bulwark standby = TestServices.start(List.of(AlertService.DEFINITION), second);
    try {
      String standbyMgmt = "http://127.0.0.1:" + TestServices.managementPort(standby, "alert");
      assertTrue(Http.get(standbyMgmt + "/metrics").body().contains("bulwark_alert_leader{service=\"alert\"} 0.0"));
      JsonObject ready = Http.json(Http.await(standbyMgmt + "/ready", Duration.ofSeconds(5), r -> r.body().contains("\"role\"")));
      assertEquals("standby", ready.getJsonObject("checks").getJsonObject("leader").getString("role"), ready.encode());
      TestServices.stop(running);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (!Http.get(standbyMgmt + "/metrics").body().contains("bulwark_alert_leader{service=\"alert\"} 1.0")
          && System.nanoTime() < deadline) {
        Http.sleep(100);
      }
      assertTrue(Http.get(standbyMgmt + "/metrics").body().contains("bulwark_alert_leader{service=\"alert\"} 1.0"),
          "the standby took the lead");
      JsonObject summary = standby.vertx().eventBus().<JsonObject>request(Addresses.ALERT_SUMMARY, new JsonObject().put("v", 1))
          .toCompletionStage().toCompletableFuture().join().body();
      assertTrue(summary.getJsonObject("open").getInteger("warning") >= 1, "the new leader loaded the open alerts: " + summary);
    } finally {
      TestServices.stop(standby);
      running = TestServices.start(List.of(AlertService.DEFINITION), env);
    }
  }

  private static JsonObject bus(String address, JsonObject body) {
    try {
      return running.vertx().eventBus().<JsonObject>request(address, body.put("v", 1), new DeliveryOptions().setSendTimeout(5000))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body();
    } catch (Exception e) {
      throw new AssertionError(address + " failed: " + e.getMessage(), e);
    }
  }

  private static int busFailure(String address, JsonObject body) {
    try {
      running.vertx().eventBus().<JsonObject>request(address, body.put("v", 1), new DeliveryOptions().setSendTimeout(5000))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      throw new AssertionError(address + " succeeded: " + body.encode());
    } catch (ExecutionException e) {
      return ((ReplyException) e.getCause()).failureCode();
    } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    }
  }
}
