package io.bulwark.alert;

import io.bulwark.alert.api.AlertmanagerIntake;
import io.bulwark.alert.bus.AlertConsumers;
import io.bulwark.alert.lifecycle.AlertBook;
import io.bulwark.alert.lifecycle.AlertJournal;
import io.bulwark.alert.lifecycle.AlertMetrics;
import io.bulwark.alert.lifecycle.AlertStore;
import io.bulwark.alert.lifecycle.SilenceStore;
import io.bulwark.alert.notify.Notifications;
import io.bulwark.alert.retention.AlertRetention;
import io.bulwark.alert.retention.RetentionSettings;
import io.bulwark.alert.rules.AlertRules;
import io.bulwark.alert.rules.Firing;
import io.bulwark.alert.rules.Inhibition;
import io.bulwark.shared.bus.PingResponder;
import io.bulwark.alert.signal.Targets;
import io.bulwark.shared.lifecycle.ServiceContext;
import io.bulwark.shared.lifecycle.ServiceRunner;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires alert-service: the book of alerts, the evaluation loop, the bus API and the Alertmanager-compatible intake. */
public final class AlertVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AlertVerticle.class);
  private final ServiceContext ctx;
  private final List<MessageConsumer<JsonObject>> readers = new ArrayList<>();
  private final List<MessageConsumer<JsonObject>> changers = new ArrayList<>();
  private AlertBook book;
  private AlertConsumers consumerApi;
  private EvaluationLoop loop;
  private AlertLeadership leadership;
  private AlertRules rules;
  private Notifications notifications;
  private AlertRetention retention;

  public AlertVerticle(ServiceContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Future<?> start() {
    AlertSettings settings = AlertSettings.from(ctx.config());
    retention = new AlertRetention(vertx, ctx.database().pool(), RetentionSettings.from(ctx.config()), ctx.registry());
    AlertStore alerts = new AlertStore(ctx.database().pool());
    SilenceStore silences = new SilenceStore(ctx.database().pool());
    AlertJournal journal = new AlertJournal(vertx, ctx.registry(), 10_000);
    book = new AlertBook(context, alerts, silences, journal, settings.externalResolveTimeout(), settings.maxOpenAlerts());
    AlertMetrics.register(ctx.registry(), book);
    consumerApi = new AlertConsumers(book, alerts, silences);
    loop = new EvaluationLoop(vertx, new RuleSource() {
      @Override
      public List<Firing> evaluate(Instant now) {
        return rules.evaluate(now);
      }

      @Override
      public List<Inhibition> inhibitions() {
        return rules.inhibitions();
      }

      @Override
      public java.util.Set<String> failing() {
        return rules.failing();
      }
    }, book, settings.evaluationInterval());
    leadership = new AlertLeadership(vertx, ctx.config().databaseUrl(), 2000, this::lead, this::standBy);
    io.micrometer.core.instrument.Gauge.builder("bulwark_alert_leader", leadership, l -> l.leader() ? 1 : 0)
        .description("1 on the alert-service instance that evaluates rules and sends notifications").register(ctx.registry());
    ctx.readiness().register("leader", false, () -> Future.succeededFuture(new JsonObject()
        .put("role", leadership.leader() ? "leader" : "standby")));
    AlertmanagerIntake intake = new AlertmanagerIntake(book, leadership::leader, vertx.eventBus(), settings.intakeToken(),
        ctx.registry());
    ctx.addManagementRoutes(intake::mount);
    readers.addAll(consumerApi.registerReads(vertx.eventBus()));
    readers.add(PingResponder.register(vertx, "alert", ctx.readiness()));
    // every instance scrapes and counts events, so a standby that takes the lead already has its windows filled
    return AlertRules.start(vertx, ctx.config(), ctx.registry(), () -> defaultTargets(vertx), Clock.systemUTC())
        .onSuccess(r -> {
          rules = r;
          r.onScrapeRound(loop::afterScrape);
        })
        // every instance delivers: rows are claimed with SKIP LOCKED, so a standby helps drain the outbox and never doubles it
        .compose(x -> Notifications.start(vertx, ctx.config(), ctx.database().pool(), ctx.registry()))
        .onSuccess(n -> notifications = n)
        .compose(x -> Future.all(readers.stream().map(MessageConsumer::completion).toList()))
        .compose(x -> leadership.start())
        .onSuccess(leads -> LOG.info("alert-service started as {}, evaluating every {}", leads ? "leader" : "standby",
            settings.evaluationInterval()));
  }

  /** Became the leader: load the open alerts, take the changing addresses, start evaluating and sweeping old rows. */
  private Future<Void> lead() {
    return book.start().compose(x -> {
      changers.addAll(consumerApi.registerChanges(vertx.eventBus()));
      return Future.all(changers.stream().map(MessageConsumer::completion).toList());
    }).map(x -> {
      loop.start();
      retention.start();
      return null;
    });
  }

  /** Lost the lead: stop evaluating and give the changing addresses up to the next leader. */
  private Future<Void> standBy() {
    List<MessageConsumer<JsonObject>> giving = List.copyOf(changers);
    changers.clear();
    return loop.stop().compose(x -> retention.stop())
        .compose(x -> Future.all(giving.stream().map(MessageConsumer::unregister).toList())).mapEmpty();
  }

  /**
   * Without {@code BULWARK_ALERT_TARGETS}: the four services' management ports — those bound in this JVM (a suite)
   * where known, alert-service's own once bound (port 0 is looked up at each scrape), the defaults otherwise.
   */
  static Map<String, String> defaultTargets(io.vertx.core.Vertx vertx) {
    io.vertx.core.shareddata.LocalMap<Object, Object> bound = vertx.sharedData().getLocalMap(ServiceRunner.MANAGEMENT_PORTS);
    Map<String, String> targets = new LinkedHashMap<>(Targets.localDefault());
    targets.replaceAll((name, url) -> bound.containsKey(name) || name.equals("alert") ? "http://127.0.0.1:0" : url);
    return targets;
  }

  @Override
  public Future<?> stop() {
    Future<?> stepped = leadership == null ? Future.succeededFuture() : leadership.stop();
    return stepped.eventually(() -> Future.all(readers.stream().map(MessageConsumer::unregister).toList()))
        .eventually(() -> rules == null ? Future.succeededFuture() : rules.stop())
        .eventually(() -> notifications == null ? Future.succeededFuture() : notifications.stop());
  }
}
