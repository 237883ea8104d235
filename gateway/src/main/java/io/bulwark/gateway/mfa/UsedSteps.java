package io.bulwark.gateway.mfa;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * The {@code gateway.mfa_used_steps} table: per admin-key fingerprint, the last time step a one-time code was accepted
 * for. Every gateway instance uses the same rows, so a code (or an older one) accepted at one instance is refused at
 * all of them; the in-memory memory of {@link TotpVerifier} only saves the round trip for a replay at the same instance.
 */
public final class UsedSteps {
  /** Moves the step forward only; a row comes back only when it did, in one statement, so two instances cannot both win. */
  private static final String USE = "INSERT INTO gateway.mfa_used_steps (fingerprint, step) VALUES ($1, $2)"
      + " ON CONFLICT (fingerprint) DO UPDATE SET step = EXCLUDED.step, used_at = now()"
      + " WHERE gateway.mfa_used_steps.step < EXCLUDED.step RETURNING step";
  private final Pool pool;

  public UsedSteps(Pool pool) {
    this.pool = pool;
  }

  /** True when {@code step} is newer than any step used before for this key: the code is now used up everywhere. */
  public Future<Boolean> use(String fingerprint, long step) {
    return pool.preparedQuery(USE).execute(Tuple.of(fingerprint, step)).map(rs -> rs.rowCount() == 1);
  }
}
