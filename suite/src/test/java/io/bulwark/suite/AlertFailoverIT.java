package io.bulwark.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.ChildJvm;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two alert-service processes on one database, clustered on loopback. Alerts posted to the standby's Alertmanager API
 * reach the leader over the clustered bus; the leader is killed with SIGKILL; the standby takes the lead, carries on
 * with the open alerts it loads, and a sender's next refresh is the same alerts, not new ones.
 */
class AlertFailoverIT {
  private static final Path ALERT_JAR = Path.of("../alert-service/target/bulwark-alert.jar");

  @TempDir
  Path dir;

  @Test
  void theStandbyForwardsIntakeToTheLeaderAndTakesOverWhenItIsKilled() throws Exception {
    int[] cluster = {TestPostgres.freePort(), TestPostgres.freePort()};
    int[] mgmt = {TestPostgres.freePort(), TestPostgres.freePort()};
    try (TestPostgres db = TestPostgres.create("alert_failover")) {
      Map<String, String> common = new HashMap<>();
      common.put("DATABASE_URL", db.databaseUrl());
      common.put("BULWARK_ENV", "test");
      common.put("BULWARK_CLUSTER", "true");
      common.put("BULWARK_CLUSTER_MEMBERS", "127.0.0.1:" + cluster[0] + ",127.0.0.1:" + cluster[1]);
      common.put("BULWARK_CLUSTER_FAILURE_SECONDS", "4");
      common.put("BULWARK_READINESS_INTERVAL_MS", "200");
      common.put("BULWARK_DATA_DIR", dir.toString());
      common.put("BULWARK_ALERT_EVALUATION_INTERVAL", "200ms");
      List<Map<String, String>> envs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Map<String, String> env = new HashMap<>(common);
        env.put("BULWARK_CLUSTER_PORT", Integer.toString(cluster[i]));
        env.put("MANAGEMENT_PORT", Integer.toString(mgmt[i]));
        // each scrapes only itself: nothing else runs here
        env.put("BULWARK_ALERT_TARGETS", "alert=http://127.0.0.1:" + mgmt[i]);
        envs.add(env);
      }
      try (ChildJvm first = ChildJvm.start(ALERT_JAR, envs.get(0), dir.resolve("alert-1.log"));
           ChildJvm second = ChildJvm.start(ALERT_JAR, envs.get(1), dir.resolve("alert-2.log"))) {
        GatewayPair.awaitReady("alert-service 1", first, mgmt[0]);
        GatewayPair.awaitReady("alert-service 2", second, mgmt[1]);
        int leader = LeaderRole.at(mgmt[0], "leader").equals("leader") ? 0 : 1;
        int standby = 1 - leader;
        assertEquals("standby", LeaderRole.at(mgmt[standby], "leader"), "exactly one leader");

        JsonArray batch = new JsonArray();
        for (String instance : List.of("db1", "db2", "db3")) {
          batch.add(alert(instance));
        }
        HttpResponse<String> viaStandby = post(mgmt[standby], batch);
        assertEquals(200, viaStandby.statusCode(), "the standby hands the batch to the leader: " + viaStandby.body());
        assertEquals(List.of("db1", "db2", "db3"), openInstances(db), "stored by the leader before the 200");

        long killedAt = System.nanoTime();
        (leader == 0 ? first : second).process().destroyForcibly();
        HttpResponse<String> promoted = Http.await("http://127.0.0.1:" + mgmt[standby] + "/ready", Duration.ofSeconds(20),
            r -> "leader".equals(LeaderRole.of(r, "leader")));
        long takeoverMs = (System.nanoTime() - killedAt) / 1_000_000;
        assertEquals("leader", LeaderRole.of(promoted, "leader"), promoted.body());
        assertTrue(Http.get("http://127.0.0.1:" + mgmt[standby] + "/metrics").body()
            .contains("bulwark_alert_leader{service=\"alert\"} 1.0"));

        // the sender's next round: the same three and a new one, to the instance that now leads
        batch.add(alert("db4"));
        HttpResponse<String> refreshed = post(mgmt[standby], batch);
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        assertEquals(List.of("db1", "db2", "db3", "db4"), openInstances(db), "the same alerts, not a second copy of each");
        System.out.printf("alert failover: the standby led %d ms after SIGKILL%n", takeoverMs);
      }
    }
  }

  private static JsonObject alert(String instance) {
    return new JsonObject().put("labels", new JsonObject().put("alertname", "FailoverProbe").put("instance", instance)
            .put("severity", "warning"))
        .put("annotations", new JsonObject().put("summary", "probe on " + instance))
        .put("startsAt", Instant.now().minusSeconds(60).toString()).put("endsAt", Instant.now().plusSeconds(3600).toString());
  }

  private static HttpResponse<String> post(int managementPort, JsonArray alerts) {
    return Http.post("http://127.0.0.1:" + managementPort + "/api/v2/alerts", alerts.encode(),
        "Content-Type", "application/json");
  }

  private static List<String> openInstances(TestPostgres db) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = db.jdbc(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT labels->>'instance' FROM alert.alerts WHERE rule = 'FailoverProbe'"
             + " AND state <> 'resolved' ORDER BY 1")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
