package io.bulwark.backup;

import io.bulwark.shared.config.DatabaseUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.util.regex.Pattern;

/**
 * A database that a backup is restored into, on the same server as the live one: created empty from template0 (so
 * nothing of template1 leaks in), read through its own small pool, and dropped with its sessions when it is a drill's
 * or when a restore into it failed. Never the live database: {@link #refuse} is checked before anything is created.
 */
final class ScratchDatabase {
  static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private final Vertx vertx;
  private final Pool admin;
  private final DatabaseUrl url;

  /** {@code admin}: a pool on any database of that server (the live one), used only for CREATE / DROP DATABASE. */
  ScratchDatabase(Vertx vertx, Pool admin, DatabaseUrl url) {
    this.vertx = vertx;
    this.admin = admin;
    this.url = url;
  }

  String name() {
    return url.database();
  }

  DatabaseUrl url() {
    return url;
  }

  /** Why a restore may not go into {@code name} (the live database, or one that exists), or null when it may. */
  static Future<String> refuse(Pool admin, String name, String... live) {
    for (String l : live) {
      if (name.equals(l)) {
        return Future.succeededFuture("'" + name + "' is the live database: a restore always goes into a new database");
      }
    }
    return admin.preparedQuery("SELECT 1 FROM pg_database WHERE datname = $1").execute(Tuple.of(name))
        .map(rs -> rs.size() > 0 ? "a database named '" + name + "' already exists; restores never write into an existing database" : null);
  }

  Future<Void> create() {
    return admin.query("CREATE DATABASE " + DatabaseFacts.quote(name()) + " TEMPLATE template0").execute().mapEmpty();
  }

  /** Drops the database and ends any session still in it. */
  Future<Void> drop() {
    return admin.query("DROP DATABASE IF EXISTS " + DatabaseFacts.quote(name()) + " WITH (FORCE)").execute().mapEmpty();
  }

  /** A small pool on the restored database, for the checks; the caller closes it. */
  Pool open() {
    PgConnectOptions connect = new PgConnectOptions().setHost(url.host()).setPort(url.port()).setDatabase(url.database())
        .setUser(url.user()).addProperty("application_name", "bulwark-backup-check");
    if (url.password() != null) {
      connect.setPassword(url.password());
    }
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(connect).using(vertx).build();
  }
}
