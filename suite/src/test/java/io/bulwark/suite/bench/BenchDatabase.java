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

/** The benchmark's generated database: a ledger that really verifies, written as audit-service would, and padding. */
final class BenchDatabase {
  private BenchDatabase() {}

  // ---------------------------------------------------------------------------------------------------------------
  // generating the database

  /**
   * Appends entries to the ledger the first start left (its own few entries), as audit-service's writer would: canonical
   * bytes, leaf hash, search columns, a time per group of 1000, every full tile, then a checkpoint at {@code n} signed
   * with the service's own key. Returns the average entry size in bytes.
   */
  static long writeLedger(TestPostgres db, long n, Path dataDir) throws Exception {
    NoteSigner signer = NoteSigner.fromPkcs8Pem(BackupBench.ORIGIN, Files.readString(dataDir.resolve(SigningKeySource.DEV_KEY_FILE)));
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
      String note = signer.sign(new Checkpoint(BackupBench.ORIGIN, n, tree.root(), List.of()).body());
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
      while (paddingMb < 0 ? BackupBench.longQuery(c, "SELECT pg_database_size(current_database())") < targetMb * 1024 * 1024
              || BackupBench.longQuery(c, size) < targetMb * 1024 * 1024 / 10
          : BackupBench.longQuery(c, size) < paddingMb * 1024 * 1024) {
        s.execute("INSERT INTO bench_padding.documents SELECT i, now() - i * interval '1 second', 'owner-' || (i % 5000),"
            + " 'document ' || i || ' ' || md5(i::text), md5(random()::text) || ' ' || md5(random()::text) || ' ' || md5(random()::text)"
            + " || ' ' || md5(random()::text) || ' ' || md5(random()::text) || ' ' || md5(random()::text),"
            + " decode(md5(random()::text) || md5(random()::text), 'hex') FROM generate_series(" + next + ", " + (next + chunk - 1) + ") i");
        next += chunk;
      }
      s.execute("VACUUM (ANALYZE)");
      return BackupBench.longQuery(c, size);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // the peers

}
