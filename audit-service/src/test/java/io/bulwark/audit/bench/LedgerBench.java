package io.bulwark.audit.bench;

import io.bulwark.audit.AuditService;
import io.bulwark.audit.ledger.CanonicalEntry;
import io.bulwark.ledger.BundleFixture;
import io.bulwark.ledger.BundleVerifier;
import io.bulwark.ledger.MerkleHash;
import io.bulwark.ledger.NoteSigner;
import io.bulwark.ledger.VerificationResult;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.AppendRequest;
import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.lifecycle.Bulwark;
import io.bulwark.shared.test.TestPostgres;
import io.bulwark.shared.test.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ledger benchmarks, run by {@code bench/ledger.sh} (never by the test suite):
 * <ul>
 *   <li>{@code append}: durable appends/s through the event bus (checkpoints every second) against the limit, raw batched
 *   INSERTs of the same rows with the same client, in alternating runs on one database;</li>
 *   <li>{@code verify}: offline verification, entries/s, of a 1M-entry bundle and segment;</li>
 *   <li>{@code proof}: inclusion and consistency proof latency at a 10M-entry tree;</li>
 *   <li>{@code search}: search latency at 10M entries;</li>
 * </ul>
 */
public final class LedgerBench {
  private LedgerBench() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "append";
    int runs = Integer.getInteger("runs", 3);
    switch (mode) {
      case "append" -> append(runs, Integer.getInteger("entries", 100_000), Integer.getInteger("window", 4000));
      case "verify" -> verify(runs, Integer.getInteger("entries", 1_000_000));
      case "proof" -> ProofBench.run(Integer.getInteger("entries", 10_000_000), Integer.getInteger("samples", 2000));
      case "search" -> SearchBench.run(Integer.getInteger("entries", 10_000_000), Integer.getInteger("samples", 200));
      default -> throw new IllegalArgumentException("mode must be append, verify, proof or search");
    }
    System.exit(0);
  }

  static AuditEvent event(int i) {
    return new AuditEvent("audit", "tenant-" + (i % 16), "user-" + (i % 1000), "user.login", "success", "session/" + i,
        "req-" + Integer.toHexString(i * 31), "10.0." + (i % 250) + ".1", new JsonObject().put("mfa", i % 2 == 0).put("attempt", i % 5));
  }

  static void append(int runs, int n, int window) throws Exception {
    try (TestPostgres db = TestPostgres.create("bench_ledger")) {
      Map<String, String> env = TestServices.env(db.databaseUrl(), List.of(AuditService.DEFINITION));
      Bulwark audit = TestServices.start(List.of(AuditService.DEFINITION), env);
      try (Connection c = db.jdbc(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE public.bench_raw (LIKE audit.entries INCLUDING ALL)");
      }
      Vertx vertx = audit.vertx();
      PgConnectOptions opts = new PgConnectOptions().setHost(db.url().host()).setPort(db.url().port())
          .setDatabase(db.url().database()).setUser(db.url().user());
      PgConnection raw = PgConnection.connect(vertx, opts).toCompletionStage().toCompletableFuture().get();
      // warm-up pair, not counted: both paths get JIT-compiled before anything is timed
      rawInserts(raw, n / 5, 100);
      busAppends(vertx, n / 5, window, 100);
      double[] rawRates = new double[runs];
      double[] ledgerRates = new double[runs];
      for (int r = 0; r < runs; r++) {
        rawRates[r] = rawInserts(raw, n, r);
        ledgerRates[r] = busAppends(vertx, n, window, r);
        System.out.printf("run %d: raw batched INSERT %.0f rows/s, ledger appends through the bus %.0f entries/s (%.2f)%n",
            r + 1, rawRates[r], ledgerRates[r], ledgerRates[r] / rawRates[r]);
      }
      double rawMedian = median(rawRates);
      double ledgerMedian = median(ledgerRates);
      System.out.printf("append: median raw %.0f rows/s, median ledger %.0f entries/s, ratio %.2f (%d entries per run, %d in flight)%n",
          rawMedian, ledgerMedian, ledgerMedian / rawMedian, n, window);
      // the ledger just written, verified in-service from the database (entries, checkpoints, every tile)
      JsonObject result = vertx.eventBus().<JsonObject>request(Addresses.AUDIT_VERIFY, new JsonObject().put("v", 1),
          new DeliveryOptions().setSendTimeout(600_000)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES)
          .body().getJsonObject("result");
      System.out.printf("append: in-service verification of the %d-entry ledger: verified=%s in %d ms (%.0f entries/s)%n",
          result.getLong("entries"), result.getBoolean("verified"), result.getLong("durationMs"),
          result.getLong("entries") / (result.getLong("durationMs") / 1000.0));
      raw.close();
      TestServices.stop(audit);
    }
  }

  /** The limit: the same rows, batches of 1000, one transaction each, one connection, the same client library. */
  static double rawInserts(PgConnection conn, int n, int run) throws Exception {
    List<Tuple> batches = new ArrayList<>();
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    for (int start = 0; start < n; start += 1000) {
      int count = Math.min(1000, n - start);
      Long[] idx = new Long[count];
      String[] idem = new String[count];
      Buffer[] entries = new Buffer[count];
      Buffer[] leaves = new Buffer[count];
      OffsetDateTime[] times = new OffsetDateTime[count];
      String[][] text = new String[6][count];
      for (int i = 0; i < count; i++) {
        long index = (long) run * n + start + i;
        AuditEvent e = event(start + i);
        byte[] entry = CanonicalEntry.of(index, Instant.now(), e);
        idx[i] = index;
        idem[i] = "raw-" + index;
        entries[i] = Buffer.buffer(entry);
        leaves[i] = Buffer.buffer(MerkleHash.leafHash(entry));
        times[i] = now;
        text[0][i] = e.category();
        text[1][i] = e.tenant();
        text[2][i] = e.actor();
        text[3][i] = e.action();
        text[4][i] = e.outcome();
        text[5][i] = e.requestId();
      }
      batches.add(Tuple.tuple(List.of(idx, idem, entries, leaves, times, text[0], text[1], text[2], text[3], text[4], text[5])));
    }
    String sql = "INSERT INTO public.bench_raw (idx, idempotency_id, entry, leaf_hash, entry_time, category, tenant, actor, action,"
        + " outcome, request_id) SELECT * FROM unnest($1::int8[], $2::text[], $3::bytea[], $4::bytea[], $5::timestamptz[],"
        + " $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])";
    long t0 = System.nanoTime();
    Future<?> chain = Future.succeededFuture();
    for (Tuple t : batches) {
      chain = chain.compose(x -> conn.begin().compose(tx -> conn.preparedQuery(sql).execute(t).compose(rs -> tx.commit())));
    }
    chain.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  /** Single-event appends over the bus with {@code window} in flight; each counted when its commit is acknowledged. */
  static double busAppends(Vertx vertx, int n, int window, int run) throws Exception {
    Promise<Void> done = Promise.promise();
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger acked = new AtomicInteger();
    DeliveryOptions opts = new DeliveryOptions().setSendTimeout(60_000);
    long t0 = System.nanoTime();
    Runnable[] sendOne = new Runnable[1];
    sendOne[0] = () -> {
      int i = sent.getAndIncrement();
      if (i >= n) {
        return;
      }
      vertx.eventBus().<JsonObject>request(Addresses.AUDIT_APPEND,
              new AppendRequest("bench-" + run + "-" + i, event(i)).toJson(), opts)
          .onSuccess(m -> {
            if (acked.incrementAndGet() == n) {
              done.tryComplete();
            } else {
              sendOne[0].run();
            }
          })
          .onFailure(done::tryFail);
    };
    vertx.runOnContext(v -> {
      for (int w = 0; w < window; w++) {
        sendOne[0].run();
      }
    });
    done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  static void verify(int runs, int n) throws Exception {
    NoteSigner signer = NoteSigner.generate(BundleFixture.ORIGIN);
    BundleFixture fixture = new BundleFixture(n, signer);
    Path dir = Files.createTempDirectory("bench-verify");
    try {
      Path bundle = fixture.write(dir, fixture.ledgerBundle(0, n, n / 2, n));
      Path segment = fixture.writeSegment(dir, 0, n, n);
      double[] bundleRates = new double[runs];
      double[] segmentRates = new double[runs];
      for (int r = 0; r < runs; r++) {
        bundleRates[r] = timeVerify(bundle, signer, n);
        segmentRates[r] = timeVerify(segment, signer, n);
        System.out.printf("run %d: bundle %.0f entries/s, segment %.0f entries/s%n", r + 1, bundleRates[r], segmentRates[r]);
      }
      System.out.printf("verify: median bundle %.0f entries/s (%d MB), median segment %.0f entries/s (%d MB)%n",
          median(bundleRates), Files.size(bundle) >> 20, median(segmentRates),
          Files.size(segment.resolveSibling(segment.getFileName().toString().replace(".manifest.json", ".jsonl.gz"))) >> 20);
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static double timeVerify(Path file, NoteSigner signer, int n) {
    long t0 = System.nanoTime();
    VerificationResult r = BundleVerifier.verifyFile(file, List.of(signer.verifierKey()));
    double rate = n / ((System.nanoTime() - t0) / 1e9);
    if (!r.verified()) {
      throw new IllegalStateException("benchmark input did not verify: " + r.toJson());
    }
    return rate;
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
