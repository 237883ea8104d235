package io.bulwark.suite;

import io.bulwark.shared.test.ChildJvm;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scale-out shape for gateway tests: one audit-service and two gateway processes, clustered over Hazelcast on
 * loopback, on one fresh database. Every process's output is kept for assertions on log lines.
 */
final class GatewayPair implements AutoCloseable {
  static final Path GATEWAY_JAR = Path.of("../gateway/target/bulwark-gateway.jar");
  static final Path AUDIT_JAR = Path.of("../audit-service/target/bulwark-audit.jar");
  final TestPostgres db;
  private final Map<String, String> auditEnv;
  private final Path dir;
  private int auditStarts;
  ChildJvm audit;
  final ChildJvm a;
  final ChildJvm b;
  final int[] http = new int[2];
  final int[] management = new int[2];

  GatewayPair(String name, Path dir, Map<String, String> extra) {
    db = TestPostgres.create(name);
    this.dir = dir;
    List<ChildJvm> started = new ArrayList<>();
    try {
      int[] cluster = {TestPostgres.freePort(), TestPostgres.freePort(), TestPostgres.freePort()};
      Map<String, String> common = new HashMap<>();
      common.put("DATABASE_URL", db.databaseUrl());
      common.put("BULWARK_ENV", "test");
      common.put("BULWARK_ADMIN_KEYS", SuiteHarness.ADMIN_KEY);
      common.put("BULWARK_CLUSTER", "true");
      common.put("BULWARK_CLUSTER_MEMBERS", "127.0.0.1:" + cluster[0] + ",127.0.0.1:" + cluster[1] + ",127.0.0.1:" + cluster[2]);
      common.put("BULWARK_READINESS_INTERVAL_MS", "200");
      common.put("BULWARK_SHUTDOWN_DRAIN_MS", "200");
      common.putAll(extra);
      auditEnv = new HashMap<>(common);
      auditEnv.put("BULWARK_CLUSTER_PORT", Integer.toString(cluster[0]));
      auditEnv.put("MANAGEMENT_PORT", Integer.toString(TestPostgres.freePort()));
      startAudit();
      started.add(audit);
      ChildJvm[] gateways = new ChildJvm[2];
      for (int i = 0; i < 2; i++) {
        http[i] = TestPostgres.freePort();
        management[i] = TestPostgres.freePort();
        Map<String, String> env = new HashMap<>(common);
        env.put("BULWARK_CLUSTER_PORT", Integer.toString(cluster[i + 1]));
        env.put("HTTP_PORT", Integer.toString(http[i]));
        env.put("MANAGEMENT_PORT", Integer.toString(management[i]));
        gateways[i] = ChildJvm.start(GATEWAY_JAR, env, dir.resolve("gateway-" + i + ".log"));
        started.add(gateways[i]);
      }
      a = gateways[0];
      b = gateways[1];
      awaitReady("gateway 0", a, management[0]);
      awaitReady("gateway 1", b, management[1]);
    } catch (RuntimeException | Error e) {
      started.forEach(ChildJvm::close);
      db.close();
      throw e;
    }
  }

  /** Starts audit-service (again, after {@link #stopAudit}) and waits for it to be ready. */
  void startAudit() {
    audit = ChildJvm.start(AUDIT_JAR, auditEnv, dir.resolve("audit-" + auditStarts++ + ".log"));
    awaitReady("audit", audit, Integer.parseInt(auditEnv.get("MANAGEMENT_PORT")));
  }

  /** Stops audit-service; its output stays in {@link #output()}. */
  void stopAudit() {
    stoppedAudit.append(audit.output());
    audit.terminate(Duration.ofSeconds(20));
  }

  private final StringBuilder stoppedAudit = new StringBuilder();

  String gateway(int i) {
    return "http://127.0.0.1:" + http[i];
  }

  String management(int i) {
    return "http://127.0.0.1:" + management[i];
  }

  /** Everything the three processes wrote. */
  String output() {
    return stoppedAudit + audit.output() + a.output() + b.output();
  }

  /** Waits for a child process's /ready to answer 200; fails with its output if it exits or takes over 60 s. */
  static void awaitReady(String name, ChildJvm process, int managementPort) {
    String url = "http://127.0.0.1:" + managementPort + "/ready";
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.process().isAlive()) {
        throw new AssertionError(name + " exited with " + process.process().exitValue() + ":\n" + process.output());
      }
      try {
        if (Http.get(url).statusCode() == 200) {
          return;
        }
      } catch (IllegalStateException e) {
        // not listening yet
      }
      Http.sleep(100);
    }
    throw new AssertionError(name + " not ready within 60 s:\n" + process.output());
  }

  @Override
  public void close() {
    try {
      for (ChildJvm p : new ChildJvm[] {b, a, audit}) {
        if (p != null) {
          p.terminate(Duration.ofSeconds(20));
        }
      }
    } finally {
      db.close();
    }
  }
}
