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

/** Where a Bulwark backup's time goes beside pg_dump's: the manifest's queries and the streaming layers, each timed once. */
final class BackupProfile {
  private BackupProfile() {}

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
    s[0] = BackupBench.peerDump(pgDump, url, out);
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

}
