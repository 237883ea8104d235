package io.bulwark.gateway.regulator;

import io.bulwark.gateway.auth.AdminKeys;
import io.bulwark.gateway.auth.Caller;
import io.bulwark.gateway.store.RegulatorSessionStore;
import io.bulwark.gateway.store.RegulatorSessionStore.Session;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * The regulator portal's credentials: an access code (checked against {@link AccessCodes}) opens a short-lived,
 * read-only session whose token ({@code bwr_...}) is stored only as a hash, so every gateway instance accepts it and
 * a database dump does not reveal it.
 */
public final class RegulatorPortal {
  /** Prefix of regulator tokens: the read-only guard and the log masker recognise them without a lookup. */
  public static final String TOKEN_PREFIX = "bwr_";
  private static final SecureRandom RANDOM = new SecureRandom();
  private final AccessCodes codes;
  private final RegulatorSessionStore store;
  private final Duration ttl;

  /** A token just issued: shown once to the regulator, never stored or logged. */
  public record Opened(String token, Session session) {}

  public RegulatorPortal(AccessCodes codes, RegulatorSessionStore store, Duration ttl) {
    this.codes = codes;
    this.store = store;
    this.ttl = ttl;
  }

  public boolean enabled() {
    return codes.enabled();
  }

  public Duration ttl() {
    return ttl;
  }

  /** The name of the code presented, or empty when it matches none. */
  public Optional<String> codeName(String presented) {
    return codes.match(presented);
  }

  /** Opens a session for a code already matched by {@link #codeName}. */
  public Future<Opened> open(String codeName, String sourceIp) {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    return store.insert(AdminKeys.hash(token), codeName, Instant.now().plus(ttl), sourceIp).map(s -> new Opened(token, s));
  }

  /** The regulator behind a token, while its session lives; empty for an unknown or expired one. */
  public Future<Optional<Caller>> caller(String token) {
    if (!looksLikeToken(token)) {
      return Future.succeededFuture(Optional.empty());
    }
    return store.live(AdminKeys.hash(token)).map(s -> s.map(RegulatorPortal::caller));
  }

  /** The session behind a token, while it lives. */
  public Future<Optional<Session>> session(String token) {
    return looksLikeToken(token) ? store.live(AdminKeys.hash(token)) : Future.succeededFuture(Optional.empty());
  }

  /**
   * Ends live sessions (one code's, or all) at once — after a code leaked, or when an engagement is over. Fails closed:
   * the sessions end only once the ledger holds the entry that says so.
   */
  public Future<Integer> end(String codeName, java.util.function.Function<Integer, Future<?>> record) {
    return store.pool().withTransaction(tx -> store.end(tx, codeName).compose(n -> record.apply(n).map(n)));
  }

  public Future<Integer> sweep() {
    return store.sweep();
  }

  public static boolean looksLikeToken(String presented) {
    return presented != null && presented.startsWith(TOKEN_PREFIX) && presented.length() <= 100;
  }

  private static Caller caller(Session s) {
    return new Caller(Caller.Kind.REGULATOR, null, null, Set.of(), "regulator:" + s.codeName());
  }
}
