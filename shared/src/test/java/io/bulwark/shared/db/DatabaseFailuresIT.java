package io.bulwark.shared.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.config.DatabaseUrl;
import io.bulwark.shared.test.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real failures from a real PostgreSQL: which are "the database is away" and which are a query's own fault. */
class DatabaseFailuresIT {
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(Future<?> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void aRefusedConnectionIsUnavailable() throws Exception {
    int port = TestPostgres.freePort();
    Pool pool = Database.open(vertx, DatabaseUrl.parse("DATABASE_URL", "postgres://postgres@127.0.0.1:" + port + "/none"),
        "gateway", 1, 1).pool();
    assertTrue(DatabaseFailures.unavailable(failureOf(pool.query("SELECT 1").execute())));
  }

  @Test
  void aTerminatedSessionIsUnavailableAndABadQueryIsNot() throws Exception {
    try (TestPostgres db = TestPostgres.create("db_failures")) {
      Pool pool = Database.open(vertx, DatabaseUrl.parse("DATABASE_URL", db.databaseUrl()), "gateway", 1, 1).pool();
      Throwable syntax = failureOf(pool.query("SELEKT 1").execute());
      assertFalse(DatabaseFailures.unavailable(syntax), syntax.toString());
      Throwable missing = failureOf(pool.query("SELECT * FROM no_such_table").execute());
      assertFalse(DatabaseFailures.unavailable(missing), missing.toString());
      // the pool's one connection is killed by the server, as in a failover or an admin's pg_terminate_backend
      Throwable killed = failureOf(pool.withConnection(c -> c.query("SELECT pg_terminate_backend(pg_backend_pid())").execute()));
      assertTrue(DatabaseFailures.unavailable(killed), killed.toString());
    }
  }
}
