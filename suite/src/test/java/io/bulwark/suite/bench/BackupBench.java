package io.bulwark.suite.bench;

import io.bulwark.audit.keys.SigningKeySource;
import io.bulwark.audit.ledger.CanonicalEntry;
import io.bulwark.backup.BackupSettings;
import io.bulwark.backup.ConnInfo;
import io.bulwark.backup.DatabaseFacts;
import io.bulwark.backup.crypto.BackupKey;
import io.bulwark.backup.crypto.ChunkedEncryption;
import io.bulwark.backup.pg.ChildProcess;
import io.bulwark.backup.pg.PgClientTools;
import io.bulwark.ledger.Checkpoint;
import io.bulwark.ledger.MerkleHash;
import io.bulwark.ledger.NoteSigner;
import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.config.DatabaseUrl;
import io.bulwark.shared.ledgerdb.TreeState;
import io.bulwark.shared.ledgerdb.TreeState.FullTile;
import io.bulwark.shared.lifecycle.Bulwark;
import io.bulwark.shared.lifecycle.BulwarkService;
import io.bulwark.shared.test.TestPostgres;
import io.bulwark.shared.test.TestServices;
import io.bulwark.suite.SuiteApplication;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Backup and restore drill against their bare PostgreSQL peers, run by {@code bench/backup.sh} (never by the test
 * suite). A database of about 1 GB is generated once: a ledger of N entries written as audit-service writes them
 * (canonical bytes, leaf hashes, full tiles, a signed checkpoint at N, so that it really verifies) plus padding tables
 * in a schema of no service. Then, on that database, in the same run and in alternating order:
 * <ul>
 *   <li>{@code pg_dump -Fc --file} (the peer) against a Bulwark backup ({@code bulwark.backup.run}, wait: pg_dump in the
 *   exported snapshot, manifest facts, SHA-256 and AES-256-GCM into storage);</li>
 *   <li>{@code pg_restore --single-transaction} of that dump into a fresh database (the peer) against a Bulwark restore
 *   drill ({@code bulwark.backup.check} kind drill, wait: checksum, decryption and pg_restore into a scratch database,
 *   migration heads, full ledger verification against the manifest's signed checkpoint, exact row counts, drop).</li>
 * </ul>
 * Each side is warmed up once, unmeasured. Medians of the wall times and their ratios are printed, with the drill's
 * steps, and (unless {@code -Dprofile=false}) where the backup's extra time goes: the manifest's queries, and pg_dump to
 * a pipe read by this JVM with nothing, SHA-256, and SHA-256 plus AES-256-GCM behind it.
 */
public final class BackupBench {
  static final String ORIGIN = "bulwark.local/audit";
  static final long TIMEOUT_MS = TimeUnit.HOURS.toMillis(2);
  private static Path stateFile;

  private BackupBench() {}

  public static void main(String[] args) throws Exception {
    int runs = Integer.getInteger("runs", 3);
    long entries = Long.getLong("entries", 1_000_000L);
    long paddingMb = Long.getLong("paddingMb", -1L);
    long targetMb = Long.getLong("targetMb", 1024L);
    boolean profile = Boolean.parseBoolean(System.getProperty("profile", "true"));
    String state = System.getProperty("stateFile");
    stateFile = state == null ? null : Path.of(state);
    int exit = 0;
    try {
      run(runs, entries, paddingMb, targetMb, profile);
    } catch (Throwable t) {
      System.out.println("backup: FAILED: " + t);
      t.printStackTrace(System.out);
      exit = 1;
    }
    System.exit(exit);
  }

  /** Leaves a line for the shell's clean-up, which runs even when this JVM is killed. */
  static void remember(String kind, String what) {
    if (stateFile == null) {
      return;
    }
    try {
      Files.writeString(stateFile, kind + " " + what + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void run(int runs, long n, long paddingMb, long targetMb, boolean profile) throws Exception {
    List<BulwarkService> services = SuiteApplication.services();
    Path backups = Files.createTempDirectory("bulwark-bench-backups-");
    Path dumps = Files.createTempDirectory("bulwark-bench-dumps-");
    remember("dir", backups.toString());
    remember("dir", dumps.toString());
    TestPostgres db = TestPostgres.create("bench_backup");
    remember("db", db.url().database());
    Map<String, String> env = TestServices.env(db.databaseUrl(), services);
    remember("dir", env.get("BULWARK_DATA_DIR"));
    env.put("BULWARK_ADMIN_KEYS", "bench-admin-key-0123456789abcdef");
    env.put("BULWARK_BACKUP_KEY", BackupKey.generate().encoded());
    env.put("BULWARK_BACKUP_DIR", backups.toString());
    env.put("BULWARK_BACKUP_SCHEDULE", "off");
    env.put("BULWARK_BACKUP_DRILL_SCHEDULE", "off");
    env.put("BULWARK_BACKUP_VERIFY_AFTER_RUN", "false");
    env.put("BULWARK_BACKUP_KEEP_LAST", "10000");
    Bulwark running = null;
    try {
      // once, so every schema is migrated and audit-service has made its signing key and registered it
      TestServices.stop(TestServices.start(services, env));
      long g0 = System.nanoTime();
      long avgEntry = BenchDatabase.writeLedger(db, n, Path.of(env.get("BULWARK_DATA_DIR")));
      double ledgerS = (System.nanoTime() - g0) / 1e9;
      long p0 = System.nanoTime();
      long paddingBytes = BenchDatabase.pad(db, paddingMb, targetMb);
      double padS = (System.nanoTime() - p0) / 1e9;
      long dbBytes;
      try (Connection c = db.jdbc()) {
        dbBytes = longQuery(c, "SELECT pg_database_size(current_database())");
        System.out.printf("backup: generated database %s: %.0f MB (ledger %d entries, %d bytes per entry on average, %.0f MB with"
                + " its indexes and tiles, written in %.0f s; padding %.0f MB in schema bench_padding, written in %.0f s)%n",
            db.url().database(), dbBytes / 1e6, n, avgEntry, longQuery(c, "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c"
                + " JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'audit' AND c.relkind = 'r'") / 1e6,
            ledgerS, paddingBytes / 1e6, padS);
      }

      long s0 = System.nanoTime();
      running = TestServices.start(services, env);
      awaitReady(running, services);
      System.out.printf("backup: suite ready on it in %.1f s%n", (System.nanoTime() - s0) / 1e9);
      Bus bus = new Bus(running);
      Path pgDump = PgClientTools.fromEnvironment().pgDump();
      Path pgRestore = PgClientTools.fromEnvironment().pgRestore();
      DatabaseUrl url = db.url();

      // warm-up, unmeasured: one of each; the drill must pass with the whole ledger verified before anything is timed
      Path warmDump = dumps.resolve("warm-up.dump");
      double warmDumpS = peerDump(pgDump, url, warmDump);
      double warmRestoreS = peerRestore(pgRestore, url, warmDump, "warm")[1];
      Files.delete(warmDump);
      long w0 = System.nanoTime();
      JsonObject warm = bus.backup();
      double warmBackupS = (System.nanoTime() - w0) / 1e9;
      long w1 = System.nanoTime();
      JsonObject drill = bus.drill(warm.getString("id"));
      double warmDrillS = (System.nanoTime() - w1) / 1e9;
      System.out.printf("backup: warm-up, not counted: pg_dump %.1f s, bulwark backup %.1f s; pg_restore %.1f s, bulwark drill %.1f s; %s%n",
          warmDumpS, warmBackupS, warmRestoreS, warmDrillS, steps(drill));
      JsonObject ledger = step(drill, "ledger").getJsonObject("verification");
      if (!ledger.getBoolean("verified") || ledger.getLong("entries") < n) {
        throw new IllegalStateException("the warm-up drill did not verify the whole ledger: " + drill.encode());
      }
      System.out.printf("backup: warm-up drill passed: ledger verified, %d entries, %d checkpoint(s)%n", ledger.getLong("entries"),
          ledger.getLong("checkpoints"));

      double[] dumpS = new double[runs];
      double[] backupS = new double[runs];
      double[] restoreS = new double[runs];
      double[] drillS = new double[runs];
      List<JsonObject> drills = new ArrayList<>();
      long dumpBytes = 0;
      long storedBytes = 0;
      long plainBytes = 0;
      double[] createDrop = new double[2];
      for (int r = 0; r < runs; r++) {
        Path file = dumps.resolve("run-" + r + ".dump");
        boolean peerFirst = r % 2 == 0;
        JsonObject backup = null;
        for (int k = 0; k < 2; k++) {
          if ((k == 0) == peerFirst) {
            dumpS[r] = peerDump(pgDump, url, file);
          } else {
            long t = System.nanoTime();
            backup = bus.backup();
            backupS[r] = (System.nanoTime() - t) / 1e9;
          }
        }
        JsonObject check = null;
        for (int k = 0; k < 2; k++) {
          if ((k == 0) == peerFirst) {
            double[] times = peerRestore(pgRestore, url, file, Integer.toString(r));
            restoreS[r] = times[1];
            createDrop[0] += times[0] / runs;
            createDrop[1] += times[2] / runs;
          } else {
            long t = System.nanoTime();
            check = bus.drill(backup.getString("id"));
            drillS[r] = (System.nanoTime() - t) / 1e9;
          }
        }
        drills.add(check);
        dumpBytes = Files.size(file);
        storedBytes = backup.getLong("bytes");
        plainBytes = bus.get(backup.getString("id")).getJsonObject("manifest").getJsonObject("file").getLong("dumpBytes");
        Files.delete(file);
        System.out.printf("run %d (%s first): pg_dump %.1f s, bulwark backup %.1f s (%.2f); pg_restore %.1f s, bulwark drill %.1f s (%.2f); %s%n",
            r + 1, peerFirst ? "peer" : "bulwark", dumpS[r], backupS[r], backupS[r] / dumpS[r], restoreS[r], drillS[r],
            drillS[r] / restoreS[r], steps(check));
      }
      double dumpM = median(dumpS);
      double backupM = median(backupS);
      double restoreM = median(restoreS);
      double drillM = median(drillS);
      System.out.printf("backup: pg_dump median %.1f s, bulwark median %.1f s, ratio %.2f (runs %s) (goal <= 1.10)%n",
          dumpM, backupM, backupM / dumpM, ratios(backupS, dumpS));
      System.out.printf("drill: pg_restore median %.1f s, bulwark drill median %.1f s, ratio %.2f (runs %s) (goal <= 2.0)%n",
          restoreM, drillM, drillM / restoreM, ratios(drillS, restoreS));
      System.out.printf("backup: database %.0f MB; bare dump %.1f MB; bulwark backup stored %.1f MB (%.3fx the bare dump; its plaintext"
              + " dump %.1f MB, encryption adds %d bytes = %.3f%%)%n", dbBytes / 1e6, dumpBytes / 1e6, storedBytes / 1e6,
          (double) storedBytes / dumpBytes, plainBytes / 1e6, storedBytes - plainBytes, 100.0 * (storedBytes - plainBytes) / plainBytes);
      System.out.printf("drill: peer database create %.2f s and drop %.2f s on average (outside the pg_restore figure; the drill's"
          + " time includes its own)%n", createDrop[0], createDrop[1]);
      printDrillSteps(drills);
      if (profile) {
        BackupProfile.profileBackup(running, url, pgDump, dumps);
      }
    } finally {
      if (running != null) {
        try {
          TestServices.stop(running);
        } catch (RuntimeException e) {
          System.out.println("backup: stopping the suite: " + e.getMessage());
        }
      }
      db.close();
      for (Path dir : List.of(backups, dumps, Path.of(env.get("BULWARK_DATA_DIR")))) {
        deleteTree(dir);
      }
    }
  }

  /** {@code pg_dump -Fc --file}: wall seconds. */
  static double peerDump(Path pgDump, DatabaseUrl url, Path file) throws Exception {
    return timed(List.of(pgDump.toString(), "--format=custom", "--no-password", "--file=" + file,
        "--dbname=" + ConnInfo.of(url, "bench-pg_dump")), url);
  }

  /** Creates a fresh database, restores {@code file} into it (timed), drops it: seconds of create, restore, drop. */
  static double[] peerRestore(Path pgRestore, DatabaseUrl url, Path file, String tag) throws Exception {
    String name = "bw_bench_peer_" + ProcessHandle.current().pid() + "_" + tag;
    DatabaseUrl target = url.withDatabase(name);
    remember("db", name);
    long t0 = System.nanoTime();
    admin(url, "CREATE DATABASE " + name + " TEMPLATE template0");
    double[] seconds = {(System.nanoTime() - t0) / 1e9, 0, 0};
    try {
      seconds[1] = timed(List.of(pgRestore.toString(), "--dbname=" + ConnInfo.of(target, "bench-pg_restore"), "--no-owner",
          "--no-privileges", "--exit-on-error", "--single-transaction", file.toString()), target);
    } finally {
      long d0 = System.nanoTime();
      admin(url, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      seconds[2] = (System.nanoTime() - d0) / 1e9;
    }
    return seconds;
  }

  static double timed(List<String> command, DatabaseUrl url) throws Exception {
    ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = b.environment();
    Map<String, String> keep = new HashMap<>();
    for (String name : List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ")) {
      if (System.getenv(name) != null) {
        keep.put(name, System.getenv(name));
      }
    }
    env.clear();
    env.putAll(keep);
    env.putAll(ConnInfo.environment(url));
    long t0 = System.nanoTime();
    Process p = b.start();
    byte[] out = p.getInputStream().readAllBytes();
    int code = p.waitFor();
    double s = (System.nanoTime() - t0) / 1e9;
    if (code != 0) {
      throw new IllegalStateException(command.get(0) + " exited with " + code + ": " + new String(out, StandardCharsets.UTF_8));
    }
    return s;
  }

  static void admin(DatabaseUrl url, String sql) throws Exception {
    DatabaseUrl a = url.withDatabase("postgres");
    try (Connection c = DriverManager.getConnection(a.jdbcUrl(), a.user(), a.password()); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }


  // ---------------------------------------------------------------------------------------------------------------
  // Bulwark over the bus



  static void awaitReady(Bulwark running, List<BulwarkService> services) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    for (BulwarkService s : services) {
      String url = "http://127.0.0.1:" + TestServices.managementPort(running, s.name()) + "/ready";
      int status = 0;
      String body = "";
      while (status != 200) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(s.name() + " is not ready: " + status + " " + body);
        }
        try {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
          status = r.statusCode();
          body = r.body();
        } catch (IOException e) {
          body = e.toString();
        }
        if (status != 200) {
          Thread.sleep(200);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // reporting

  static JsonObject step(JsonObject check, String name) {
    for (Object o : check.getJsonObject("result").getJsonArray("steps")) {
      JsonObject s = (JsonObject) o;
      if (name.equals(s.getString("step"))) {
        return s;
      }
    }
    throw new IllegalStateException("no step " + name + " in " + check.encode());
  }

  static String steps(JsonObject check) {
    StringBuilder b = new StringBuilder("drill steps:");
    long sum = 0;
    for (Object o : check.getJsonObject("result").getJsonArray("steps")) {
      JsonObject s = (JsonObject) o;
      if (s.containsKey("ms")) {
        b.append(' ').append(s.getString("step")).append(' ').append(s.getLong("ms")).append(" ms");
        sum += s.getLong("ms");
      }
    }
    b.append(", drop and bookkeeping ").append(check.getLong("durationMs") - sum).append(" ms");
    return b.toString();
  }

  static void printDrillSteps(List<JsonObject> drills) {
    List<String> names = List.of("manifest", "restore", "migration-heads", "ledger", "row-counts");
    StringBuilder b = new StringBuilder("drill: step medians:");
    for (String name : names) {
      double[] ms = drills.stream().mapToDouble(d -> step(d, name).getLong("ms")).toArray();
      b.append(String.format(" %s %.1f s;", name, median(ms) / 1000));
    }
    double[] rest = drills.stream().mapToDouble(d -> {
      long sum = 0;
      for (String name : names) {
        sum += step(d, name).getLong("ms");
      }
      return d.getLong("durationMs") - sum;
    }).toArray();
    b.append(String.format(" drop and bookkeeping %.1f s", median(rest) / 1000));
    System.out.println(b);
    double[] rates = drills.stream().mapToDouble(d -> {
      JsonObject s = step(d, "ledger");
      return s.getJsonObject("verification").getLong("entries") / (Math.max(1, s.getLong("ms")) / 1000.0);
    }).toArray();
    JsonObject last = step(drills.get(drills.size() - 1), "ledger");
    JsonObject counts = step(drills.get(drills.size() - 1), "row-counts");
    System.out.printf("drill: ledger step verified %d entries against %d checkpoint(s), median %.0f entries/s; row counts over %d tables,"
            + " %d rows%n", last.getJsonObject("verification").getLong("entries"), last.getJsonObject("verification").getLong("checkpoints"),
        median(rates), counts.getInteger("tables"), counts.getLong("rows"));
  }

  // ---------------------------------------------------------------------------------------------------------------

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static String ratios(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i] / b[i];
    }
    Arrays.sort(r);
    return String.format("%.2f-%.2f", r[0], r[r.length - 1]);
  }

  static long longQuery(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.out.println("backup: could not delete " + dir + ": " + e.getMessage());
    }
  }
}
