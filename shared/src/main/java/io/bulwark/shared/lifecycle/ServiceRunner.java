package io.bulwark.shared.lifecycle;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.shared.config.ServiceConfig;
import io.bulwark.shared.db.Database;
import io.bulwark.shared.db.Migrations;
import io.bulwark.shared.http.Drain;
import io.bulwark.shared.management.ManagementVerticle;
import io.bulwark.shared.management.Readiness;
import io.bulwark.shared.metrics.ServiceMetrics;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Starts and stops one service inside a Vert.x instance: migrate, pool, readiness, verticles, management port. */
public final class ServiceRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);
  /**
   * Local map (service name → bound management port) of the services running in this JVM: alert-service scrapes its
   * neighbours in a suite from it, whatever ports they were given.
   */
  public static final String MANAGEMENT_PORTS = "bulwark.management.ports";
  private final BulwarkService service;
  private final ServiceConfig config;
  private final ServiceMetrics metrics;
  private final Drain drain = new Drain();
  private Vertx vertx;
  private Database database;
  private Readiness readiness;
  private ServiceContext context;
  private String serviceDeployment;
  private String managementDeployment;
  private String migrationHead;
  private Future<Void> stopped;

  public ServiceRunner(BulwarkService service, ServiceConfig config, ServiceMetrics metrics) {
    this.service = service;
    this.config = config;
    this.metrics = metrics;
  }

  public String name() {
    return service.name();
  }

  public ServiceContext context() {
    return context;
  }

  public String migrationHead() {
    return migrationHead;
  }

  public Future<ServiceRunner> start(Vertx vertx) {
    this.vertx = vertx;
    DeploymentOptions deployment = new DeploymentOptions().setConfig(new JsonObject().put("service", service.name()));
    return vertx.executeBlocking(() -> Migrations.migrate(config.databaseUrl(), service.schema(), service.migrationHead()), false)
        .compose(head -> {
          migrationHead = head;
          database = Database.open(vertx, config.databaseUrl(), service.schema(), service.migrationHead(),
              config.intRange("BULWARK_DB_POOL_SIZE", 8, 1, 200));
          readiness = new Readiness(vertx, service.name(), config.readinessTimeoutMs());
          readiness.register("db", true, database::ping);
          readiness.register("migrations", true, database::checkHead);
          context = new ServiceContext(config, database, metrics.registry(), readiness, drain);
          return vertx.deployVerticle(service.createVerticle(context), deployment);
        })
        .compose(id -> {
          serviceDeployment = id;
          ManagementVerticle mgmt = new ManagementVerticle(service.name(), config.bindHost(), config.managementPort(),
              readiness, config.readinessIntervalMs(), metrics.registry(), drain, context.managementRoutes(),
              config.intRange("BULWARK_MANAGEMENT_MAX_BODY_BYTES", 4096, 1024, 64 * 1024 * 1024));
          return vertx.deployVerticle(mgmt, deployment).map(mid -> {
            managementDeployment = mid;
            context.ports().management(mgmt.actualPort());
            vertx.sharedData().getLocalMap(MANAGEMENT_PORTS).put(service.name(), mgmt.actualPort());
            return mid;
          });
        })
        .map(x -> {
          MDC.put("service", service.name());
          LOG.info("{} started", service.name(), kv("event", "startup"), kv("environment", config.env().label()),
              kv("version", io.bulwark.shared.BuildInfo.version()), kv("migrationHead", migrationHead),
              kv("managementPort", context.ports().management()), kv("httpPort", context.ports().http()));
          MDC.remove("service");
          return this;
        });
  }

  /** First step of shutdown: readiness answers 503 and responses ask clients to close their connections. */
  public void beginDrain() {
    if (readiness != null) {
      readiness.markStopping();
    }
    drain.begin();
  }

  /** Stops the service's verticles (servers drain in-flight requests), then management, then the pool. */
  public synchronized Future<Void> stop() {
    if (stopped != null) {
      return stopped;
    }
    if (vertx == null) {
      return Future.succeededFuture();
    }
    boolean wasUp = managementDeployment != null;
    Future<Void> f = Future.succeededFuture();
    if (serviceDeployment != null) {
      f = f.compose(x -> vertx.undeploy(serviceDeployment));
    }
    stopped = f.eventually(() -> managementDeployment == null ? Future.succeededFuture() : vertx.undeploy(managementDeployment))
        .eventually(() -> database == null ? Future.succeededFuture() : database.close())
        .onComplete(ar -> {
          metrics.close();
          if (!wasUp) {
            return;
          }
          MDC.put("service", service.name());
          if (ar.succeeded()) {
            LOG.info("{} shut down cleanly", service.name(), kv("event", "shutdown"));
          } else {
            LOG.error("{} shut down with an error: {}", service.name(), ar.cause().getMessage(), kv("event", "shutdown"));
          }
          MDC.remove("service");
        });
    return stopped;
  }
}
