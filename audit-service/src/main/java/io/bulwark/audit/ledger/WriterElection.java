package io.bulwark.audit.ledger;

import io.bulwark.shared.config.DatabaseUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * Elects the one writer of a ledger with a PostgreSQL session advisory lock held on a connection of its own. The
 * leader writes through that same connection, so losing it (process killed, network cut) ends the right to write at
 * once; a standby retries every interval and takes over when the database releases the dead leader's lock.
 */
public final class WriterElection {
  /** Advisory lock key of the ledger writer ("bulwark.audit.writer"). */
  public static final long WRITER_LOCK = 0x62756c7761726bL + 1;
  private static final Logger LOG = LoggerFactory.getLogger(WriterElection.class);

  /** What this instance is right now. */
  public enum Role { STANDBY, LEADER, STOPPED }

  private final Vertx vertx;
  private final PgConnectOptions options;
  private final long intervalMs;
  private final Function<SqlConnection, Future<Void>> onAcquired;
  private final Consumer<Throwable> onLost;
  private volatile Role role = Role.STANDBY;
  private PgConnection conn;
  private boolean attempting;
  private long timer = -1;
  private String lastError;
  private long lastLoggedAt;

  public WriterElection(Vertx vertx, DatabaseUrl url, long intervalMs, Function<SqlConnection, Future<Void>> onAcquired,
                        Consumer<Throwable> onLost) {
    this.vertx = vertx;
    this.options = new PgConnectOptions().setHost(url.host()).setPort(url.port()).setDatabase(url.database())
        .setUser(url.user()).addProperty("application_name", "bulwark-audit-writer");
    if (url.password() != null) {
      options.setPassword(url.password());
    }
    this.intervalMs = intervalMs;
    this.onAcquired = onAcquired;
    this.onLost = onLost;
  }

  public Role role() {
    return role;
  }

  /** Tries now, then every interval while standing by; completes after the first attempt. */
  public Future<Role> start() {
    timer = vertx.setPeriodic(intervalMs, id -> attempt());
    return attempt();
  }

  private Future<Role> attempt() {
    if (attempting || role != Role.STANDBY) {
      return Future.succeededFuture(role);
    }
    attempting = true;
    Future<PgConnection> connected = conn != null ? Future.succeededFuture(conn) : PgConnection.connect(vertx, options)
        .onSuccess(c -> {
          conn = c;
          c.closeHandler(v -> connectionClosed(c));
        });
    return connected
        .compose(c -> c.preparedQuery("SELECT pg_try_advisory_lock($1)").execute(Tuple.of(WRITER_LOCK))
            .compose(rs -> {
              if (!rs.iterator().next().getBoolean(0) || role != Role.STANDBY) {
                return Future.succeededFuture(role);
              }
              role = Role.LEADER;
              LOG.info("this audit-service is now the ledger writer", kv("event", "audit_writer_elected"));
              return onAcquired.apply(c).map(x -> {
                lastError = null;
                return role;
              }).recover(err -> {
                // retried every interval: say it once per distinct cause and then once a minute, not every second
                if (shouldLog("takeover: " + err.getMessage())) {
                  LOG.error("taking over as ledger writer failed, standing by (retrying every {} ms): {}", intervalMs, err.getMessage(),
                      kv("event", "audit_writer_takeover_failed"));
                }
                role = Role.STANDBY;
                onLost.accept(err);
                return release().map(x -> role);
              });
            }))
        .recover(err -> {
          if (shouldLog("election: " + err.getMessage())) {
            LOG.warn("writer election could not reach the database: {}", err.getMessage());
          }
          return release().map(x -> role);
        })
        .onComplete(ar -> attempting = false);
  }

  private boolean shouldLog(String cause) {
    long now = System.currentTimeMillis();
    if (cause.equals(lastError) && now - lastLoggedAt < 60_000) {
      return false;
    }
    lastError = cause;
    lastLoggedAt = now;
    return true;
  }

  private void connectionClosed(PgConnection closed) {
    if (closed != conn) {
      return;
    }
    conn = null;
    if (role == Role.LEADER) {
      role = Role.STANDBY;
      LOG.error("lost the ledger writer's connection; standing by", kv("event", "audit_writer_lost"));
      onLost.accept(new IllegalStateException("writer connection closed"));
    }
  }

  /** Called when the writer found its connection unusable. */
  public void abdicate(Throwable why) {
    if (role == Role.LEADER) {
      role = Role.STANDBY;
      onLost.accept(why);
      release();
    }
  }

  private Future<Void> release() {
    PgConnection c = conn;
    conn = null;
    return c == null ? Future.succeededFuture() : c.close().otherwiseEmpty();
  }

  /** Gives up leadership (closing the connection releases the lock) and stops trying. */
  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    boolean wasLeader = role == Role.LEADER;
    role = Role.STOPPED;
    if (wasLeader) {
      onLost.accept(new IllegalStateException("audit-service is stopping"));
    }
    return release();
  }
}
