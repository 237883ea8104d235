package io.bulwark.alert.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.alert.AlertService;
import io.bulwark.alert.rules.Firing;
import io.bulwark.alert.rules.Inhibition;
import io.bulwark.shared.db.Database;
import io.bulwark.shared.db.Migrations;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.test.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lifecycle against real PostgreSQL, driven with chosen evaluation times so {@code for} and resolution are exact. */
class AlertBookIT {
  private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
  private TestPostgres db;
  private Vertx vertx;
  private Database database;
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    db = TestPostgres.create("alert_book");
    Migrations.migrate(db.url(), "alert", AlertService.MIGRATION_HEAD);
    vertx = Vertx.vertx();
    database = Database.open(vertx, db.url(), "alert", AlertService.MIGRATION_HEAD, 4);
    vertx.eventBus().<JsonObject>consumer(io.bulwark.shared.bus.Addresses.ALERT_EVENTS, m -> events.add(m.body()));
  }

  @AfterEach
  void tearDown() throws Exception {
    await(database.close());
    await(vertx.close());
    db.close();
  }

  private AlertBook book() {
    AlertBook book = new AlertBook(vertx.getOrCreateContext(), new AlertStore(database.pool()), new SilenceStore(database.pool()),
        new AlertJournal(vertx, new SimpleMeterRegistry(), 1000), Duration.ofMinutes(5), 1000);
    await(book.start());
    return book;
  }

  private static Firing firing(String rule, String severity, String service, Duration forDuration) {
    TreeMap<String, String> labels = new TreeMap<>(Map.of("alertname", rule, "severity", severity, "service", service));
    return new Firing(rule, severity, labels, Map.of("summary", rule + " on " + service, "condition", "x > 1", "window", "5m",
        "value", "2"), 2.0, forDuration);
  }

  @Test
  void pendingBecomesFiringAfterItsForAndResolvesWhenTheConditionClears() throws Exception {
    AlertBook book = book();
    Firing f = firing("HighErrorRate", "critical", "gateway", Duration.ofMinutes(5));
    await(book.evaluate(List.of(f), List.of(), T0));
    AlertRow a = single(book);
    assertEquals("pending", a.state());
    await(book.evaluate(List.of(f), List.of(), T0.plusSeconds(299)));
    assertEquals("pending", single(book).state(), "not yet 5 minutes");
    await(book.evaluate(List.of(f), List.of(), T0.plusSeconds(300)));
    AlertRow firing = single(book);
    assertEquals("firing", firing.state());
    assertEquals(a.id(), firing.id(), "same alert, deduplicated by fingerprint");
    await(book.evaluate(List.of(f, f), List.of(), T0.plusSeconds(315)));
    assertEquals(1, book.openSnapshot().size(), "a repeated firing is the same alert");
    await(book.evaluate(List.of(), List.of(), T0.plusSeconds(330)));
    assertTrue(book.openSnapshot().isEmpty());
    try (Statement st = db.jdbc().createStatement();
         ResultSet rs = st.executeQuery("SELECT state, resolved_by, firing_at, version FROM alert.alerts WHERE id = '" + a.id() + "'")) {
      assertTrue(rs.next());
      assertEquals("resolved", rs.getString(1));
      assertEquals("auto", rs.getString(2));
      assertEquals(T0.plusSeconds(300), rs.getTimestamp(3).toInstant());
      assertEquals(3, rs.getLong(4), "inserted, fired, resolved");
    }
    assertEquals(List.of("alert.pending", "alert.firing", "alert.resolved"), events.stream().map(e -> e.getString("type")).toList());
  }

  @Test
  void aRuleThatFailedToEvaluateKeepsItsAlertsOpen() {
    AlertBook book = book();
    await(book.evaluate(List.of(firing("ApiDown", "critical", "gateway", Duration.ZERO)), List.of(), T0));
    await(book.evaluate(List.of(), List.of(), java.util.Set.of("ApiDown"), T0.plusSeconds(15)));
    assertEquals("firing", single(book).state(), "no word from the rule is not a recovery");
    await(book.evaluate(List.of(), List.of(), java.util.Set.of(), T0.plusSeconds(30)));
    assertTrue(book.openSnapshot().isEmpty(), "evaluated again and clear: resolved");
  }

  @Test
  void aPendingAlertThatClearsNeverFires() {
    AlertBook book = book();
    await(book.evaluate(List.of(firing("Flap", "warning", "audit", Duration.ofMinutes(1))), List.of(), T0));
    await(book.evaluate(List.of(), List.of(), T0.plusSeconds(30)));
    assertTrue(book.openSnapshot().isEmpty());
    assertFalse(events.stream().anyMatch(e -> "alert.firing".equals(e.getString("type"))));
  }

  @Test
  void acknowledgeAndResolveFollowTheStateMachine() {
    AlertBook book = book();
    await(book.evaluate(List.of(firing("ApiDown", "critical", "gateway", Duration.ZERO),
        firing("Slow", "warning", "gateway", Duration.ofMinutes(10))), List.of(), T0));
    AlertRow down = book.openSnapshot().stream().filter(x -> x.rule().equals("ApiDown")).findFirst().orElseThrow();
    AlertRow slow = book.openSnapshot().stream().filter(x -> x.rule().equals("Slow")).findFirst().orElseThrow();
    assertEquals("firing", down.state(), "no 'for': fires at once");
    assertEquals(409, failure(book.acknowledge(slow.id(), "op", null, T0)).status(), "a pending alert is not acknowledged");
    AlertRow acked = await(book.acknowledge(down.id(), "alice", "looking", T0.plusSeconds(1)));
    assertEquals("acknowledged", acked.state());
    assertEquals(Map.of("acknowledged|critical", 1L, "pending|warning", 1L), book.openCounts());
    assertEquals("alice", acked.toJson().getString("acknowledgedBy"));
    assertEquals("acknowledged", await(book.acknowledge(down.id(), "bob", null, T0.plusSeconds(2))).state(), "again: unchanged");
    await(book.evaluate(List.of(firing("ApiDown", "critical", "gateway", Duration.ZERO)), List.of(), T0.plusSeconds(15)));
    assertEquals("acknowledged", book.openSnapshot().stream().filter(x -> x.rule().equals("ApiDown")).findFirst().orElseThrow().state(),
        "an evaluation keeps the acknowledgement while the condition holds");
    AlertRow resolved = await(book.resolve(down.id(), "alice", "fixed the upstream", T0.plusSeconds(20)));
    assertEquals("resolved", resolved.state());
    assertEquals(409, failure(book.resolve(down.id(), "alice", null, T0.plusSeconds(21))).status());
    assertEquals(409, failure(book.acknowledge(down.id(), "alice", null, T0.plusSeconds(21))).status());
    assertEquals(404, failure(book.acknowledge(UUID.randomUUID(), "alice", null, T0)).status());
    // still true after a manual resolve: it comes back as a new alert, it was not fixed
    await(book.evaluate(List.of(firing("ApiDown", "critical", "gateway", Duration.ZERO)), List.of(), T0.plusSeconds(30)));
    AlertRow again = book.openSnapshot().stream().filter(x -> x.rule().equals("ApiDown")).findFirst().orElseThrow();
    assertNotEquals(down.id(), again.id());
    assertEquals(down.fingerprint(), again.fingerprint());
  }

  @Test
  void criticalInhibitsTheSameServicesWarningsAndSilencesMute() {
    AlertBook book = book();
    Inhibition rule = new Inhibition(Map.of("severity", "critical"), Map.of("severity", "warning"), List.of("service"));
    Firing crit = firing("ApiDown", "critical", "gateway", Duration.ZERO);
    Firing warn = firing("HighLatency", "warning", "gateway", Duration.ZERO);
    Firing other = firing("HighLatency", "warning", "audit", Duration.ZERO);
    await(book.evaluate(List.of(crit, warn, other), List.of(rule), T0));
    Map<String, AlertRow> byService = new java.util.HashMap<>();
    book.openSnapshot().stream().filter(a -> a.severity().equals("warning")).forEach(a -> byService.put(a.labels().get("service"), a));
    assertTrue(byService.get("gateway").toJson().getBoolean("inhibited"), "the gateway's warning is muted by its critical");
    assertFalse(byService.get("audit").toJson().getBoolean("inhibited"), "another service's warning is not");
    assertEquals(Map.of("firing|critical", 1L, "firing|warning", 2L, AlertSummary.MUTED_KEY, 1L), book.openCounts(),
        "what the bulwark_alert_alerts and _alerts_muted gauges show");
    await(book.evaluate(List.of(warn, other), List.of(rule), T0.plusSeconds(15)));
    assertFalse(byService.get("gateway").toJson().getBoolean("inhibited"), "the critical cleared: the warning speaks again");

    Silence s = new Silence(UUID.randomUUID(), List.of(LabelMatcher.fromJson(new JsonObject().put("name", "service").put("value", "aud.*")
        .put("isRegex", true))), Instant.now().minusSeconds(1), Instant.now().plusSeconds(3600), "alice", "maintenance",
        Instant.now(), null);
    await(book.addSilence(s));
    assertEquals(s.id().toString(), byService.get("audit").toJson().getString("silencedBy"));
    assertNull(byService.get("gateway").toJson().getString("silencedBy"));
    assertTrue(await(book.expireSilence(s.id(), "alice", Instant.now())).isPresent());
    assertNull(byService.get("audit").toJson().getString("silencedBy"), "an expired silence lifts at once");
  }

  @Test
  void aSilenceAppliesWhenItsTimeComesWithoutTheAlertChanging() {
    AlertBook book = book();
    Firing warn = firing("HighLatency", "warning", "gateway", Duration.ZERO);
    await(book.evaluate(List.of(warn), List.of(), T0));
    // stored by another instance (not through this book), starting and ending between this book's evaluations
    Silence s = new Silence(UUID.randomUUID(), List.of(LabelMatcher.fromJson(new JsonObject().put("name", "service")
        .put("value", "gate.*").put("isRegex", true))), T0.plusSeconds(20), T0.plusSeconds(50), "alice", "deploy",
        T0, null);
    await(new SilenceStore(database.pool()).insert(s));
    await(book.evaluate(List.of(warn), List.of(), T0.plusSeconds(15)));
    assertNull(single(book).toJson().getString("silencedBy"), "not started yet");
    await(book.evaluate(List.of(warn), List.of(), T0.plusSeconds(30)));
    assertEquals(s.id().toString(), single(book).toJson().getString("silencedBy"), "started: the unchanged alert is muted");
    await(book.evaluate(List.of(warn), List.of(), T0.plusSeconds(45)));
    assertEquals(s.id().toString(), single(book).toJson().getString("silencedBy"));
    await(book.evaluate(List.of(warn), List.of(), T0.plusSeconds(60)));
    assertNull(single(book).toJson().getString("silencedBy"), "ended: the mute is lifted at the next evaluation");
  }

  @Test
  void openAlertsSurviveARestartWithTheirIdentity() {
    AlertBook first = book();
    await(first.evaluate(List.of(firing("BackupStale", "critical", "backup", Duration.ofMinutes(1))), List.of(), T0));
    UUID id = single(first).id();
    AlertBook second = book();
    assertEquals(id, single(second).id());
    await(second.evaluate(List.of(firing("BackupStale", "critical", "backup", Duration.ofMinutes(1))), List.of(), T0.plusSeconds(60)));
    assertEquals("firing", single(second).state(), "the pending time counted from before the restart");
  }

  @Test
  void externalAlertsRefreshAndResolveByEndsAt() {
    AlertBook book = book();
    TreeMap<String, String> labels = new TreeMap<>(Map.of("alertname", "NodeDown", "severity", "page", "instance", "db1"));
    Instant now = Instant.now();
    await(book.receive(List.of(new ExternalAlert(labels, Map.of("summary", "db1 down"), now.minusSeconds(60), null, null)), now));
    AlertRow a = single(book);
    assertEquals("critical", a.severity());
    assertEquals("firing", a.state());
    assertEquals("external", a.source());
    await(book.receive(List.of(new ExternalAlert(labels, Map.of("summary", "db1 down"), now.minusSeconds(60), null, null)), now));
    assertEquals(1, book.openSnapshot().size());
    await(book.receive(List.of(new ExternalAlert(labels, Map.of(), null, now.minusSeconds(1), null)), now));
    assertTrue(book.openSnapshot().isEmpty(), "endsAt in the past resolves it");
    await(book.receive(List.of(new ExternalAlert(labels, Map.of(), null, null, null)), now));
    await(book.evaluate(List.of(), List.of(), now.plus(Duration.ofMinutes(6))));
    assertTrue(book.openSnapshot().isEmpty(), "not refreshed within the resolve timeout: resolved");
  }

  @Test
  void summaryCountsOpenAlertsBySeverityAndState() {
    AlertBook book = book();
    await(book.evaluate(List.of(firing("A", "critical", "gateway", Duration.ZERO), firing("B", "warning", "gateway", Duration.ofHours(1)),
        firing("C", "info", "audit", Duration.ZERO)), List.of(), T0));
    JsonObject s = await(book.summary());
    assertEquals(new JsonObject().put("critical", 1).put("warning", 1).put("info", 1), s.getJsonObject("open"));
    assertEquals(new JsonObject().put("pending", 1).put("firing", 2).put("acknowledged", 0), s.getJsonObject("byState"));
  }

  private static AlertRow single(AlertBook book) {
    List<AlertRow> open = new ArrayList<>(book.openSnapshot());
    assertEquals(1, open.size(), "open alerts: " + open.stream().map(AlertRow::toJson).toList());
    return open.get(0);
  }

  private static ApiException failure(Future<?> f) {
    Exception e = assertThrows(Exception.class, () -> await(f));
    Throwable cause = e.getCause() == null ? e : e.getCause();
    assertTrue(cause instanceof ApiException, "an ApiException: " + cause);
    return (ApiException) cause;
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() == null ? e : e.getCause());
    }
  }
}
