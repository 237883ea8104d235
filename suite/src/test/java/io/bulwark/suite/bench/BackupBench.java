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
      long avgEntry = writeLedger(db, n, Path.of(env.get("BULWARK_DATA_DIR")));
      double ledgerS = (System.nanoTime() - g0) / 1e9;
      long p0 = System.nanoTime();
      long paddingBytes = pad(db, paddingMb, targetMb);
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
        profileBackup(running, url, pgDump, dumps);
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

  // ---------------------------------------------------------------------------------------------------------------
  // generating the database

  /**
   * Appends entries to the ledger the first start left (its own few entries), as audit-service's writer would: canonical
   * bytes, leaf hash, search columns, a time per group of 1000, every full tile, then a checkpoint at {@code n} signed
   * with the service's own key. Returns the average entry size in bytes.
   */
  static long writeLedger(TestPostgres db, long n, Path dataDir) throws Exception {
    NoteSigner signer = NoteSigner.fromPkcs8Pem(ORIGIN, Files.readString(dataDir.resolve(SigningKeySource.DEV_KEY_FILE)));
    TreeState tree = TreeState.empty();
    long entryBytes = 0;
    try (Connection c = db.jdbc()) {
      c.setAutoCommit(false);
      List<byte[]> existing = new ArrayList<>();
      Instant last;
      try (Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT idx, leaf_hash FROM audit.entries ORDER BY idx")) {
          while (rs.next()) {
            if (rs.getLong(1) != existing.size()) {
              throw new IllegalStateException("the ledger is not dense at " + existing.size());
            }
            existing.add(rs.getBytes(2));
          }
        }
        try (ResultSet rs = s.executeQuery("SELECT coalesce(max(entry_time), now()) FROM audit.entries")) {
          rs.next();
          last = rs.getTimestamp(1).toInstant();
        }
      }
      long k = existing.size();
      if (k >= n) {
        throw new IllegalStateException("the ledger already holds " + k + " entries; ENTRIES must be larger");
      }
      tree.append(existing); // their full tiles (if any) are stored already
      Random random = new Random(42);
      String[] actions = {"user.login", "user.logout", "key.rotated", "order.placed", "order.refunded", "policy.changed",
          "route.updated", "export.downloaded"};
      String[] outcomes = {"success", "success", "success", "failure", "denied"};
      String[] agents = {"Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", "Mozilla/5.0 (Macintosh) Safari/605.1.15", "curl/8.5.0",
          "bulwark-cli/0.1.0"};
      List<FullTile> tiles = new ArrayList<>();
      CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY audit.entries (idx, idempotency_id, entry, leaf_hash,"
          + " entry_time, category, tenant, actor, action, outcome, request_id) FROM STDIN (FORMAT csv)");
      HexFormat hex = HexFormat.of();
      StringBuilder csv = new StringBuilder(1 << 22);
      List<byte[]> leaves = new ArrayList<>(8192);
      for (long i = k; i < n; i++) {
        Instant time = last.plusMillis(1 + (i - k) / 1000);
        int t = random.nextInt(500);
        String tenant = "tenant-" + t;
        AuditEvent e = new AuditEvent(i % 3 == 0 ? "gateway" : "audit", tenant, "user-" + random.nextInt(20_000) + "@" + tenant + ".example",
            actions[random.nextInt(actions.length)], outcomes[random.nextInt(outcomes.length)], "order/" + (i * 7919 % 1_000_003),
            "req-" + Long.toHexString(random.nextLong()), "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256),
            new JsonObject().put("attempt", random.nextInt(5)).put("mfa", random.nextBoolean())
                .put("userAgent", agents[random.nextInt(agents.length)]).put("session", Long.toHexString(random.nextLong())));
        byte[] entry = CanonicalEntry.of(i, time, e);
        byte[] leaf = MerkleHash.leafHash(entry);
        entryBytes += entry.length;
        leaves.add(leaf);
        csv.append(i).append(',').append(new UUID(random.nextLong(), random.nextLong())).append(",\\x").append(hex.formatHex(entry))
            .append(",\\x").append(hex.formatHex(leaf)).append(',').append(time).append(',').append(e.category()).append(',')
            .append(e.tenant()).append(',').append(e.actor()).append(',').append(e.action()).append(',').append(e.outcome())
            .append(',').append(e.requestId()).append('\n');
        if (leaves.size() == 8192 || i == n - 1) {
          tiles.addAll(tree.append(leaves));
          leaves.clear();
          byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
          copy.writeToCopy(bytes, 0, bytes.length);
          csv.setLength(0);
        }
      }
      copy.endCopy();
      try (PreparedStatement s = c.prepareStatement("INSERT INTO audit.tiles (level, idx, hashes) VALUES (?, ?, ?)")) {
        for (FullTile tile : tiles) {
          s.setShort(1, (short) tile.level());
          s.setLong(2, tile.index());
          s.setBytes(3, tile.hashes());
          s.addBatch();
        }
        s.executeBatch();
      }
      String note = signer.sign(new Checkpoint(ORIGIN, n, tree.root(), List.of()).body());
      try (PreparedStatement cp = c.prepareStatement("INSERT INTO audit.checkpoints (tree_size, root_hash, note, key_id) VALUES (?, ?, ?, ?)")) {
        cp.setLong(1, n);
        cp.setBytes(2, tree.root());
        cp.setString(3, note);
        cp.setString(4, HexFormat.of().formatHex(signer.verifierKey().keyId()));
        cp.executeUpdate();
      }
      c.commit();
      return entryBytes / (n - k);
    }
  }

  /**
   * Fills schema bench_padding with document rows until it holds paddingMb, or (paddingMb < 0) until the database holds
   * targetMb and the padding at least a tenth of that.
   */
  static long pad(TestPostgres db, long paddingMb, long targetMb) throws Exception {
    try (Connection c = db.jdbc(); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA bench_padding");
      s.execute("CREATE TABLE bench_padding.documents (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, owner text NOT NULL,"
          + " title text NOT NULL, body text NOT NULL, digest bytea NOT NULL)");
      s.execute("CREATE INDEX documents_owner ON bench_padding.documents (owner, created_at)");
      String size = "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace"
          + " WHERE s.nspname = 'bench_padding' AND c.relkind = 'r'";
      long next = 1;
      int chunk = 50_000;
      // by default up to targetMb, but never less than a tenth of it: the dump always holds tables of no service
      while (paddingMb < 0 ? longQuery(c, "SELECT pg_database_size(current_database())") < targetMb * 1024 * 1024
              || longQuery(c, size) < targetMb * 1024 * 1024 / 10
          : longQuery(c, size) < paddingMb * 1024 * 1024) {
        s.execute("INSERT INTO bench_padding.documents SELECT i, now() - i * interval '1 second', 'owner-' || (i % 5000),"
            + " 'document ' || i || ' ' || md5(i::text), md5(random()::text) || ' ' || md5(random()::text) || ' ' || md5(random()::text)"
            + " || ' ' || md5(random()::text) || ' ' || md5(random()::text) || ' ' || md5(random()::text),"
            + " decode(md5(random()::text) || md5(random()::text), 'hex') FROM generate_series(" + next + ", " + (next + chunk - 1) + ") i");
        next += chunk;
      }
      s.execute("VACUUM (ANALYZE)");
      return longQuery(c, size);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // the peers

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

  static final class Bus {
    private final Bulwark running;

    Bus(Bulwark running) {
      this.running = running;
    }

    JsonObject request(String address, JsonObject body) {
      try {
        return running.vertx().eventBus().<JsonObject>request(address, body.put("v", 1), new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
            .toCompletionStage().toCompletableFuture().get(TIMEOUT_MS + 5000, TimeUnit.MILLISECONDS).body();
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof ReplyException re) {
          throw new IllegalStateException(address + " failed (" + re.failureCode() + "): " + re.getMessage());
        }
        throw new IllegalStateException(e);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    JsonObject backup() {
      JsonObject b = request(Addresses.BACKUP_RUN, new JsonObject().put("trigger", "manual").put("actor", "bench").put("wait", true))
          .getJsonObject("backup");
      if (!"succeeded".equals(b.getString("status"))) {
        throw new IllegalStateException("the backup did not succeed: " + b.encode());
      }
      return b;
    }

    /** A drill of {@code id}; its scratch database is noted for the shell's clean-up as soon as the check shows it. */
    JsonObject drill(String id) {
      Thread watcher = new Thread(() -> {
        try {
          while (!Thread.currentThread().isInterrupted()) {
            for (Object o : get(id).getJsonArray("checks", new JsonArray())) {
              JsonObject c = (JsonObject) o;
              if ("drill".equals(c.getString("kind")) && "running".equals(c.getString("status")) && c.getString("database") != null) {
                remember("db", c.getString("database"));
                return;
              }
            }
            Thread.sleep(100);
          }
        } catch (InterruptedException | RuntimeException e) {
          // the drill ended first (and dropped its database) or the suite is going away
        }
      }, "bench-drill-watcher");
      watcher.setDaemon(true);
      watcher.start();
      try {
        JsonObject c = request(Addresses.BACKUP_CHECK, new JsonObject().put("id", id).put("kind", "drill").put("actor", "bench")
            .put("wait", true)).getJsonObject("check");
        if (!"passed".equals(c.getString("status"))) {
          throw new IllegalStateException("the drill did not pass: " + c.encode());
        }
        return c;
      } finally {
        watcher.interrupt();
      }
    }

    JsonObject get(String id) {
      return request(Addresses.BACKUP_GET, new JsonObject().put("id", id));
    }
  }

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
  // where the backup's extra time goes

  /**
   * The manifest's queries as BackupRunner runs them (before pg_dump starts), and pg_dump's output through this JVM:
   * discarded, SHA-256, SHA-256 plus AES-256-GCM (the service's layers), each once.
   */
  static void profileBackup(Bulwark running, DatabaseUrl url, Path pgDump, Path dumps) throws Exception {
    PgConnectOptions connect = new PgConnectOptions().setHost(url.host()).setPort(url.port()).setDatabase(url.database())
        .setUser(url.user());
    if (url.password() != null) {
      connect.setPassword(url.password());
    }
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(connect).using(running.vertx()).build();
    try {
      for (int i = 0; i < 2; i++) {
        long t0 = System.nanoTime();
        long[] ms = new long[4];
        pool.withConnection(conn -> conn.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute()
            .compose(x -> conn.query("SELECT pg_export_snapshot()").execute())
            .compose(x -> timedFuture(DatabaseFacts.server(conn), ms, 0, t0))
            .compose(x -> timedFuture(DatabaseFacts.heads(conn, BackupSettings.SERVICE_SCHEMAS), ms, 1, System.nanoTime()))
            .compose(x -> timedFuture(DatabaseFacts.ledger(conn), ms, 2, System.nanoTime()))
            .compose(x -> timedFuture(DatabaseFacts.rowCounts(conn, BackupSettings.SERVICE_SCHEMAS), ms, 3, System.nanoTime()))
            .eventually(() -> conn.query("ROLLBACK").execute()))
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
        if (i == 1) {
          System.out.printf("profile: manifest facts before pg_dump starts: %d ms in all (server %d, heads %d, ledger %d, exact row counts %d),"
              + " run one after the other here; the service sends them together on one connection%n",
              (System.nanoTime() - t0) / 1_000_000, ms[0], ms[1], ms[2], ms[3]);
        }
      }
    } finally {
      pool.close();
    }
    BackupKey key = BackupKey.generate();
    List<String> command = List.of(pgDump.toString(), "--format=custom", "--no-password", "--dbname=" + ConnInfo.of(url, "bench-pg_dump"));
    String[] names = {"pg_dump --file (peer)", "pg_dump | JVM, discarded", "pg_dump | JVM, SHA-256 to a file",
        "pg_dump | JVM, AES-256-GCM + SHA-256 to a file"};
    double[] s = new double[names.length];
    Path out = dumps.resolve("profile.out");
    s[0] = peerDump(pgDump, url, out);
    for (int mode = 1; mode < names.length; mode++) {
      Files.deleteIfExists(out);
      long t0 = System.nanoTime();
      try (OutputStream file = Files.newOutputStream(out)) {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        OutputStream sink = switch (mode) {
          case 1 -> OutputStream.nullOutputStream();
          case 2 -> new DigestOutputStream(file, sha);
          default -> ChunkedEncryption.encrypt(new DigestOutputStream(file, sha), key);
        };
        ChildProcess.Result result = ChildProcess.run(new ChildProcess.Spec(command, ConnInfo.environment(url), null, sink,
            Duration.ofHours(2)));
        if (!result.succeeded()) {
          throw new IllegalStateException("pg_dump failed: " + result.stderrTail());
        }
        sink.close(); // seals the last chunk
      }
      if (mode > 1) {
        // durable, as the service's storage and pg_dump --file make their files
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(out, StandardOpenOption.WRITE)) {
          channel.force(true);
        }
      }
      s[mode] = (System.nanoTime() - t0) / 1e9;
    }
    Files.deleteIfExists(out);
    StringBuilder b = new StringBuilder("profile: one run each:");
    for (int i = 0; i < names.length; i++) {
      b.append(String.format(" %s %.1f s (%.2f);", names[i], s[i], s[i] / s[0]));
    }
    System.out.println(b);
  }

  private static Future<Void> timedFuture(Future<?> f, long[] ms, int i, long t0) {
    return f.map(x -> {
      ms[i] = (System.nanoTime() - t0) / 1_000_000;
      return null;
    });
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
