package io.bulwark.audit.bench;

import io.bulwark.audit.AuditService;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.lifecycle.Bulwark;
import io.bulwark.shared.test.TestPostgres;
import io.bulwark.shared.test.TestServices;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Search latency at a large ledger: N rows written straight into {@code audit.entries} (1000 tenants, 50 000 actors,
 * one entry per 10 ms of history), then typical operator and tenant searches timed through the event bus.
 */
final class SearchBench {
  private SearchBench() {}

  static void run(long n, int samples) throws Exception {
    try (TestPostgres db = TestPostgres.create("bench_search")) {
      Map<String, String> env = TestServices.env(db.databaseUrl(), List.of(AuditService.DEFINITION));
      Bulwark audit = TestServices.start(List.of(AuditService.DEFINITION), env);
      TestServices.stop(audit);
      long t0 = System.nanoTime();
      try (Connection c = db.jdbc(); Statement s = c.createStatement()) {
        s.execute("SET session_replication_role = replica");
        // history continues after the entry the service wrote itself (its key registration): entry times never go back
        s.execute("CREATE TEMP TABLE base AS SELECT entry_time + interval '1 second' AS t FROM audit.entries WHERE idx = 0");
        for (long start = 1; start < n; start += 1_000_000) {
          long end = Math.min(n - 1, start + 999_999);
          s.execute("INSERT INTO audit.entries (idx, idempotency_id, entry, leaf_hash, entry_time, category, tenant, actor, action,"
              + " outcome, request_id) SELECT i, 'syn-' || i, convert_to('{\"index\":' || i || ',\"tenant\":\"tenant-' || (i % 1000)"
              + " || '\"}', 'UTF8'), sha256(int8send(i)), (SELECT t FROM base) + (i * interval '10 milliseconds'), 'audit',"
              + " 'tenant-' || (i % 1000), 'user-' || (i % 50000), (ARRAY['user.login','user.logout','key.rotated','order.placed'])[(i / 1000) % 4 + 1],"
              + " (ARRAY['success','failure','denied'])[i % 3 + 1], 'req-' || i FROM generate_series(" + start + ", " + end + ") i");
        }
        s.execute("ANALYZE audit.entries");
      }
      System.out.printf("search: wrote %d entries in %.0f s%n", n, (System.nanoTime() - t0) / 1e9);
      audit = TestServices.start(List.of(AuditService.DEFINITION), env);
      try {
        Random r = new Random(7);
        Instant first;
        try (Connection c = db.jdbc(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT entry_time FROM audit.entries WHERE idx = 1")) {
          rs.next();
          first = rs.getTimestamp(1).toInstant();
        }
        long spanMs = n * 10;
        time(audit, "tenant, newest page", samples, i -> q().put("tenant", "tenant-" + r.nextInt(1000)));
        time(audit, "tenant + action", samples, i -> q().put("tenant", "tenant-" + r.nextInt(1000)).put("action", "key.rotated"));
        time(audit, "tenant, deep keyset page", samples, i -> q().put("tenant", "tenant-" + r.nextInt(1000))
            .put("cursor", (long) (r.nextDouble() * n)));
        time(audit, "tenant + one hour", samples, i -> {
          Instant from = first.plusMillis((long) (r.nextDouble() * (spanMs - 3_600_000)));
          return q().put("tenant", "tenant-" + r.nextInt(1000)).put("from", from.toString()).put("to", from.plusSeconds(3600).toString());
        });
        time(audit, "actor", samples, i -> q().put("actor", "user-" + r.nextInt(50000)));
        time(audit, "request id", samples, i -> q().put("requestId", "req-" + (1 + (long) (r.nextDouble() * (n - 2)))));
      } finally {
        TestServices.stop(audit);
      }
    }
  }

  private static JsonObject q() {
    return new JsonObject().put("v", 1).put("limit", 100);
  }

  private static void time(Bulwark audit, String what, int samples, IntFunction<JsonObject> query) throws Exception {
    double[] ms = new double[samples];
    DeliveryOptions opts = new DeliveryOptions().setSendTimeout(30_000);
    int found = 0;
    for (int i = 0; i < samples; i++) {
      JsonObject body = query.apply(i);
      long a = System.nanoTime();
      JsonObject reply = audit.vertx().eventBus().<JsonObject>request(Addresses.AUDIT_SEARCH, body, opts)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).body();
      ms[i] = (System.nanoTime() - a) / 1e6;
      found += reply.getJsonArray("entries").size();
    }
    Arrays.sort(ms);
    System.out.printf("search: %-26s p50 %6.2f ms  p99 %7.2f ms  (%d queries, %.0f entries per answer on average)%n",
        what, ms[samples / 2], ms[samples * 99 / 100], samples, (double) found / samples);
  }
}
