package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.ChildJvm;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two audit-service processes on one ledger, a gateway in front, all clustered on loopback. The writer is killed with
 * SIGKILL in the middle of a stream of appends; the standby takes over, clients retry with their idempotency keys, and
 * afterwards every acknowledged append is in the ledger exactly once, at the index it was acknowledged with, and the
 * ledger verifies.
 */
class LedgerFailoverIT {
  private static final Path GATEWAY_JAR = Path.of("../gateway/target/bulwark-gateway.jar");
  private static final Path AUDIT_JAR = Path.of("../audit-service/target/bulwark-audit.jar");
  private static final String ADMIN_KEY = "it-failover-admin-key-0123456789";
  private static final int CLIENTS = 4;
  private static final int TOTAL = 600;

  @TempDir
  Path dir;

  @Test
  void everyAcknowledgedAppendSurvivesTheWriterBeingKilledAndTheStandbyTakesOver() throws Exception {
    int[] cluster = {TestPostgres.freePort(), TestPostgres.freePort(), TestPostgres.freePort()};
    int[] mgmt = {TestPostgres.freePort(), TestPostgres.freePort(), TestPostgres.freePort()};
    int http = TestPostgres.freePort();
    String gateway = "http://127.0.0.1:" + http;
    try (TestPostgres db = TestPostgres.create("ledger_failover")) {
      Map<String, String> common = new HashMap<>();
      common.put("DATABASE_URL", db.databaseUrl());
      common.put("BULWARK_ENV", "test");
      common.put("BULWARK_ADMIN_KEYS", ADMIN_KEY);
      common.put("BULWARK_CLUSTER", "true");
      common.put("BULWARK_CLUSTER_MEMBERS", "127.0.0.1:" + cluster[0] + ",127.0.0.1:" + cluster[1] + ",127.0.0.1:" + cluster[2]);
      common.put("BULWARK_CLUSTER_FAILURE_SECONDS", "4");
      common.put("BULWARK_READINESS_INTERVAL_MS", "200");
      common.put("BULWARK_AUDIT_TIMEOUT_MS", "2000");
      common.put("BULWARK_DATA_DIR", dir.toString());
      common.put("BULWARK_AUDIT_CHECKPOINT_INTERVAL", "200ms");
      common.put("BULWARK_AUDIT_ELECTION_INTERVAL", "200ms");
      List<Map<String, String>> envs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Map<String, String> env = new HashMap<>(common);
        env.put("BULWARK_CLUSTER_PORT", Integer.toString(cluster[i]));
        env.put("MANAGEMENT_PORT", Integer.toString(mgmt[i]));
        envs.add(env);
      }
      envs.get(2).put("HTTP_PORT", Integer.toString(http));

      try (ChildJvm first = ChildJvm.start(AUDIT_JAR, envs.get(0), dir.resolve("audit-1.log"));
           ChildJvm second = ChildJvm.start(AUDIT_JAR, envs.get(1), dir.resolve("audit-2.log"));
           ChildJvm gw = ChildJvm.start(GATEWAY_JAR, envs.get(2), dir.resolve("gateway.log"))) {
        GatewayPair.awaitReady("audit-service 1", first, mgmt[0]);
        GatewayPair.awaitReady("audit-service 2", second, mgmt[1]);
        GatewayPair.awaitReady("gateway", gw, mgmt[2]);
        int leader = LeaderRole.at(mgmt[0], "writer").equals("leader") ? 0 : 1;
        assertEquals("standby", LeaderRole.at(mgmt[1 - leader], "writer"), "exactly one writer");
        ChildJvm writer = leader == 0 ? first : second;

        Map<String, Long> acked = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        AtomicBoolean gaveUp = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          Thread client = new Thread(() -> {
            for (int n = next.getAndIncrement(); n < TOTAL && !gaveUp.get(); n = next.getAndIncrement()) {
              String key = "failover-" + n;
              long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
              while (true) {
                HttpResponse<String> r;
                try {
                  r = Http.post(gateway + "/v1/events", "{\"actor\":\"client\",\"action\":\"order.placed\",\"outcome\":\"success\"}",
                      "Authorization", "Bearer " + ADMIN_KEY, "Content-Type", "application/json", "Idempotency-Key", key);
                } catch (IllegalStateException e) {
                  r = null;
                }
                if (r != null && (r.statusCode() == 201 || r.statusCode() == 200)) {
                  acked.put(key, Http.json(r).getLong("index"));
                  break;
                }
                retries.incrementAndGet();
                if (System.nanoTime() > deadline) {
                  gaveUp.set(true);
                  return;
                }
                Http.sleep(100);
              }
            }
          });
          client.start();
          clients.add(client);
        }
        while (acked.size() < TOTAL / 3) {
          Http.sleep(20);
        }
        long killedAt = System.nanoTime();
        writer.process().destroyForcibly();
        int standbyPort = mgmt[1 - leader];
        HttpResponse<String> promoted = Http.await("http://127.0.0.1:" + standbyPort + "/ready", Duration.ofSeconds(20),
            r -> r.statusCode() == 200 && "leader".equals(LeaderRole.of(r, "writer")));
        long takeoverMs = (System.nanoTime() - killedAt) / 1_000_000;
        assertEquals("leader", LeaderRole.of(promoted, "writer"), promoted.body());
        for (Thread t : clients) {
          t.join(Duration.ofSeconds(120).toMillis());
        }
        assertTrue(!gaveUp.get(), "a client could not get its append acknowledged within 60 s");
        assertEquals(TOTAL, acked.size());
        System.out.printf("ledger failover: standby led %d ms after SIGKILL; %d retries across %d appends%n",
            takeoverMs, retries.get(), TOTAL);

        // every acknowledged append exactly once, at its acknowledged index; indexes dense
        try (Connection c = db.jdbc();
             PreparedStatement s = c.prepareStatement("SELECT idx FROM audit.entries WHERE idempotency_id LIKE ?")) {
          for (Map.Entry<String, Long> e : acked.entrySet()) {
            s.setString(1, "key:%:" + e.getKey());
            try (ResultSet rs = s.executeQuery()) {
              assertTrue(rs.next(), e.getKey() + " acknowledged but not stored");
              assertEquals(e.getValue(), rs.getLong(1), e.getKey());
              assertTrue(!rs.next(), e.getKey() + " stored twice");
            }
          }
          try (Statement s2 = c.createStatement();
               ResultSet rs = s2.executeQuery("SELECT count(*), max(idx) + 1 FROM audit.entries")) {
            rs.next();
            assertEquals(rs.getLong(1), rs.getLong(2), "indexes are not dense");
          }
        }
        HttpResponse<String> verified = Http.post(gateway + "/v1/audit/verify", "", "Authorization", "Bearer " + ADMIN_KEY);
        assertEquals(200, verified.statusCode(), verified.body());
        assertTrue(Http.json(verified).getBoolean("verified"), verified.body());
      }
    }
  }
}
