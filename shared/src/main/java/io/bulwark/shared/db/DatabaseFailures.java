package io.bulwark.shared.db;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;

/**
 * Tells an unreachable database (refused or lost connections, a server shutting down, too many clients) from a query
 * that failed on its own: the first is "come back later" (503 {@code db.unavailable}), the second a bug worth a 500.
 */
public final class DatabaseFailures {
  private DatabaseFailures() {}

  public static boolean unavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException || t instanceof ClosedConnectionException || t instanceof ClosedChannelException) {
        return true;
      }
      if (t instanceof PgException pg && pg.getSqlState() != null) {
        String state = pg.getSqlState();
        // 08: connection exceptions; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now; 53300: too many
        // connections
        if (state.startsWith("08") || state.startsWith("57P") || "53300".equals(state)) {
          return true;
        }
      }
    }
    return false;
  }
}
