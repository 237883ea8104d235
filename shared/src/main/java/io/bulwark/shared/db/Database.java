package io.bulwark.shared.db;

import io.bulwark.shared.config.DatabaseUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import java.util.concurrent.TimeUnit;

/** A service's connection pool plus the probes its readiness checks use. */
public final class Database {
  private final Pool pool;
  private final String schema;
  private final int expectedHead;

  private Database(Pool pool, String schema, int expectedHead) {
    this.pool = pool;
    this.schema = schema;
    this.expectedHead = expectedHead;
  }

  public static Database open(Vertx vertx, DatabaseUrl url, String schema, int expectedHead, int maxSize) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(url.host()).setPort(url.port()).setDatabase(url.database()).setUser(url.user())
        .setCachePreparedStatements(true)
        .addProperty("application_name", "bulwark-" + schema);
    connect.setMetricsName("bulwark-" + schema);
    if (url.password() != null) {
      connect.setPassword(url.password());
    }
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(maxSize).setName("bulwark-" + schema).setShared(false)
            .setConnectionTimeout(5).setConnectionTimeoutUnit(TimeUnit.SECONDS).setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS))
        .with(new NetClientOptions().setConnectTimeout(2000).setMetricsName("bulwark-" + schema))
        .connectingTo(connect)
        .using(vertx)
        .build();
    return new Database(pool, schema, expectedHead);
  }

  public Pool pool() {
    return pool;
  }

  /** Readiness: a round trip to the server. */
  public Future<JsonObject> ping() {
    return pool.query("SELECT 1").execute().map(rs -> null);
  }

  /** Readiness: the schema is still at the head this build expects. */
  public Future<JsonObject> checkHead() {
    String sql = "SELECT version FROM " + schema + ".flyway_schema_history WHERE success AND version IS NOT NULL"
        + " ORDER BY installed_rank DESC LIMIT 1";
    return pool.query(sql).execute().compose(rs -> {
      String actual = "none";
      for (Row r : rs) {
        actual = "V" + r.getString(0);
      }
      JsonObject data = new JsonObject().put("expected", "V" + expectedHead).put("actual", actual);
      return ("V" + expectedHead).equals(actual)
          ? Future.succeededFuture(data)
          : Future.failedFuture(new MigrationHeadMismatchException(schema, expectedHead, actual));
    });
  }

  public Future<Void> close() {
    return pool.close();
  }
}
