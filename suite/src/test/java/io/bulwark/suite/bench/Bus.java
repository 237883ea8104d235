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


/** backup-service driven over the in-process bus, as the gateway would: runs and checks, waited for. */
final class Bus {
  private final Bulwark running;

  Bus(Bulwark running) {
    this.running = running;
  }

  JsonObject request(String address, JsonObject body) {
    try {
      return running.vertx().eventBus().<JsonObject>request(address, body.put("v", 1), new DeliveryOptions().setSendTimeout(BackupBench.TIMEOUT_MS))
          .toCompletionStage().toCompletableFuture().get(BackupBench.TIMEOUT_MS + 5000, TimeUnit.MILLISECONDS).body();
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
              BackupBench.remember("db", c.getString("database"));
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
