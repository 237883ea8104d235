package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.ChildJvm;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale-out shape: gateway and audit-service as two processes whose event bus is clustered over Hazelcast on
 * loopback, sharing one database. An event goes in through one process and is written by the other; once audit-service
 * has stopped, the gateway fails closed with 503 {@code audit.unavailable}.
 */
class ClusteredSliceIT {
  private static final Path GATEWAY_JAR = Path.of("../gateway/target/bulwark-gateway.jar");
  private static final Path AUDIT_JAR = Path.of("../audit-service/target/bulwark-audit.jar");
  private static final String ADMIN_KEY = "it-cluster-admin-key-0123456789";
  private static final String EVENT = "{\"actor\":\"alice\",\"action\":\"user.login\",\"outcome\":\"success\"}";

  @TempDir
  Path dir;

  @Test
  void eventCrossesTheClusteredBusAndGatewayFailsClosedWhenAuditLeaves() throws Exception {
    int gatewayCluster = TestPostgres.freePort();
    int auditCluster = TestPostgres.freePort();
    int http = TestPostgres.freePort();
    int gatewayMgmt = TestPostgres.freePort();
    int auditMgmt = TestPostgres.freePort();
    String gateway = "http://127.0.0.1:" + http;

    try (TestPostgres db = TestPostgres.create("clustered_slice")) {
      Map<String, String> common = new HashMap<>();
      common.put("DATABASE_URL", db.databaseUrl());
      common.put("BULWARK_ENV", "test");
      common.put("BULWARK_ADMIN_KEYS", ADMIN_KEY);
      common.put("BULWARK_CLUSTER", "true");
      common.put("BULWARK_CLUSTER_MEMBERS", "127.0.0.1:" + gatewayCluster + ",127.0.0.1:" + auditCluster);
      common.put("BULWARK_READINESS_INTERVAL_MS", "200");
      common.put("BULWARK_SHUTDOWN_DRAIN_MS", "200");
      Map<String, String> auditEnv = new HashMap<>(common);
      auditEnv.put("BULWARK_CLUSTER_PORT", Integer.toString(auditCluster));
      auditEnv.put("MANAGEMENT_PORT", Integer.toString(auditMgmt));
      Map<String, String> gatewayEnv = new HashMap<>(common);
      gatewayEnv.put("BULWARK_CLUSTER_PORT", Integer.toString(gatewayCluster));
      gatewayEnv.put("HTTP_PORT", Integer.toString(http));
      gatewayEnv.put("MANAGEMENT_PORT", Integer.toString(gatewayMgmt));

      // both processes start at once, as an orchestrator would start them; each may come up before the other
      long t0 = System.nanoTime();
      try (ChildJvm audit = ChildJvm.start(AUDIT_JAR, auditEnv, dir.resolve("audit.log"));
           ChildJvm gw = ChildJvm.start(GATEWAY_JAR, gatewayEnv, dir.resolve("gateway.log"))) {
        long auditReadyMs = awaitReady("audit", audit, auditMgmt, t0);
        // the gateway is ready only once its bus:audit check gets an answer from the other process
        long gatewayReadyMs = awaitReady("gateway", gw, gatewayMgmt, t0);
        JsonObject checks = Http.json(Http.get("http://127.0.0.1:" + gatewayMgmt + "/ready")).getJsonObject("checks");
        assertEquals("UP", checks.getJsonObject("bus:audit").getString("status"), checks.encode());
        System.out.printf("clustered slice: audit ready %d ms, gateway ready with bus:audit UP (cluster joined) %d ms"
            + " after launching both JVMs; Hazelcast node up -> service started: audit %s ms, gateway %s ms%n",
            auditReadyMs, gatewayReadyMs, joinMs(audit, "audit"), joinMs(gw, "gateway"));
        for (ChildJvm p : new ChildJvm[] {audit, gw}) {
          assertFalse(p.output().contains("without proper access to required Java packages"),
              "Hazelcast still warns about module access:\n" + p.output());
        }

        HttpResponse<String> created = post(gateway);
        assertEquals(201, created.statusCode(), created.body());
        JsonObject reply = Http.json(created);
        long index = reply.getLong("index");

        HttpResponse<String> read = Http.get(gateway + "/v1/events/" + index, "Authorization", "Bearer " + ADMIN_KEY);
        assertEquals(200, read.statusCode(), read.body());
        JsonObject body = Http.json(read);
        JsonObject entry = body.getJsonObject("entry");
        assertEquals(index, body.getLong("index"));
        assertEquals(reply.getString("leafHash"), body.getString("leafHash"));
        assertEquals("alice", entry.getString("actor"));
        assertEquals("user.login", entry.getString("action"));
        assertEquals("success", entry.getString("outcome"));
        assertEquals(reply.getString("requestId"), entry.getString("requestId"));

        // audit-service wrote it to the shared database before the gateway answered
        try (Connection c = db.jdbc();
             PreparedStatement s = c.prepareStatement("SELECT entry FROM audit.entries WHERE idx = ?")) {
          s.setLong(1, index);
          try (ResultSet rs = s.executeQuery()) {
            assertTrue(rs.next(), "no row in audit.entries for index " + index);
            assertEquals(body.getString("canonical"), new String(rs.getBytes(1), StandardCharsets.UTF_8));
          }
        }

        assertEquals(0, audit.terminate(Duration.ofSeconds(20)), audit.output());
        assertTrue(audit.output().contains("\"audit shut down cleanly\""), audit.output());

        // the gateway learns of the departure through the bus (consumer unregistered) or cluster membership
        long stopped = System.nanoTime();
        long deadline = stopped + Duration.ofSeconds(15).toNanos();
        HttpResponse<String> refused = post(gateway);
        while (refused.statusCode() != 503 && System.nanoTime() < deadline) {
          Http.sleep(200);
          refused = post(gateway);
        }
        long refusedMs = (System.nanoTime() - stopped) / 1_000_000;
        JsonObject problem = EventSliceIT.assertProblem(refused, 503, "audit.unavailable");
        assertNotNull(problem.getString("requestId"));
        System.out.printf("clustered slice: 503 audit.unavailable %d ms after audit-service exited%n", refusedMs);

        HttpResponse<String> notReady = Http.await("http://127.0.0.1:" + gatewayMgmt + "/ready", Duration.ofSeconds(10),
            r -> r.statusCode() == 503);
        assertEquals(503, notReady.statusCode(), notReady.body());
        assertEquals("DOWN", Http.json(notReady).getJsonObject("checks").getJsonObject("bus:audit").getString("status"));

        try (Connection c = db.jdbc(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM audit.entries WHERE category = 'audit'" + EventSliceIT.CLIENT_EVENTS)) {
          rs.next();
          assertEquals(1, rs.getLong(1), "only the accepted event is stored");
        }
        assertEquals(0, gw.terminate(Duration.ofSeconds(20)), gw.output());
        assertTrue(gw.output().contains("\"gateway shut down cleanly\""), gw.output());
      }
    }
  }

  /**
   * From the process's first Hazelcast log line (its node starting, before the join) to its "started" line: the join
   * plus migrations and verticles, without the JVM's own start. Informational; "?" when a line is missing.
   */
  private static String joinMs(ChildJvm process, String service) {
    Instant node = null;
    Instant started = null;
    for (String line : process.output().split("\n")) {
      if (!line.startsWith("{")) {
        continue;
      }
      JsonObject json = new JsonObject(line);
      String logger = json.getString("logger", "");
      if (node == null && (logger.startsWith("com.hazelcast") || logger.startsWith("c.h."))) {
        node = Instant.parse(json.getString("time"));
      } else if ((service + " started").equals(json.getString("message"))) {
        started = Instant.parse(json.getString("time"));
      }
    }
    return node == null || started == null ? "?" : Long.toString(Duration.between(node, started).toMillis());
  }

  private static HttpResponse<String> post(String gateway) {
    return Http.post(gateway + "/v1/events", EVENT, "Authorization", "Bearer " + ADMIN_KEY,
        "Content-Type", "application/json");
  }

  /** Waits for {@code /ready} = 200; returns the milliseconds since {@code t0}. */
  private static long awaitReady(String name, ChildJvm process, int managementPort, long t0) {
    GatewayPair.awaitReady(name, process, managementPort);
    return (System.nanoTime() - t0) / 1_000_000;
  }

}
