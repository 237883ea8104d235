package io.bulwark.shared.lifecycle;

import io.bulwark.shared.config.ServiceConfig;
import io.bulwark.shared.db.Database;
import io.bulwark.shared.http.Drain;
import io.bulwark.shared.management.Readiness;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a running service is handed: its configuration, database, metrics registry, readiness checks, the drain switch
 * of its HTTP servers, and a place to leave first-run notices for the operator's terminal.
 */
public record ServiceContext(ServiceConfig config, Database database, PrometheusMeterRegistry registry, Readiness readiness,
                             Drain drain, List<String> notices, BoundPorts ports,
                             List<Consumer<Router>> managementRoutes) {

  public ServiceContext(ServiceConfig config, Database database, PrometheusMeterRegistry registry, Readiness readiness, Drain drain) {
    this(config, database, registry, readiness, drain, new CopyOnWriteArrayList<>(), new BoundPorts(), new CopyOnWriteArrayList<>());
  }

  /**
   * Adds routes to the service's management port beside /health, /ready and /metrics (alert-service's Alertmanager-compatible
   * intake lives there). Call from the service verticle's {@code start()}: the management server is built after it.
   */
  public void addManagementRoutes(Consumer<Router> routes) {
    managementRoutes.add(routes);
  }

  /** Ports actually bound (they differ from the configured ones when those are 0). */
  public static final class BoundPorts {
    private volatile int http = -1;
    private volatile int management = -1;

    public int http() { return http; }
    public int management() { return management; }
    public void http(int port) { http = port; }
    public void management(int port) { management = port; }
  }
}
