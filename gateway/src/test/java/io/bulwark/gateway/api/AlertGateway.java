package io.bulwark.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.bulwark.gateway.GatewayService;
import io.bulwark.gateway.auth.AdminKeys;
import io.bulwark.gateway.mfa.TotpVerifier;
import io.bulwark.shared.lifecycle.Bulwark;
import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestPostgres;
import io.bulwark.shared.test.TestRedis;
import io.bulwark.shared.test.TestServices;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.otp.OtpKey;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real gateway (its own PostgreSQL database, Redis for rate limits) in this JVM, with a {@link FakeLedger} and a
 * {@link FakeAlertService} on its bus. Admin key {@link #ADMIN_KEY} is enrolled for MFA as operator {@code alice};
 * {@link #OTHER_ADMIN_KEY} is an admin key without enrolment.
 */
final class AlertGateway implements AutoCloseable {
  static final String ADMIN_KEY = "alert-it-admin-key-0123456789abcdef";
  static final String OTHER_ADMIN_KEY = "alert-it-other-admin-key-0123456789";
  /** base32 of "AlertItTotpSecret!!!" (20 bytes, as {@code bulwark mfa enroll} makes them). */
  static final String TOTP_SECRET = "IFWGK4TUJF2FI33UOBJWKY3SMV2CCIJB";
  static final String ADMIN = "Bearer " + ADMIN_KEY;
  /** A second enrolled operator, {@code bob}, so that tests using codes do not use up each other's. */
  static final String BOB_KEY = "alert-it-bob-admin-key-0123456789abcd";
  /** base32 of "BobsItTotpSecret!!!!". */
  static final String BOB_SECRET = "IJXWE42JORKG65DQKNSWG4TFOQQSCIJB";
  /** A third enrolled operator, {@code carol}, for the test that uses codes at two gateways. */
  static final String CAROL_KEY = "alert-it-carol-admin-key-0123456789ab";
  /** base32 of "CarolItTotpSecret!!!". */
  static final String CAROL_SECRET = "INQXE33MJF2FI33UOBJWKY3SMV2CCIJB";
  final TestPostgres db;
  final Bulwark running;
  final FakeLedger ledger = new FakeLedger();
  final FakeAlertService alerts = new FakeAlertService();
  final String base;
  final String tenantKey;

  /** Whether this gateway made {@link #db} (a second gateway shares the first one's). */
  private final boolean ownsDatabase;

  AlertGateway(String name) {
    this(TestPostgres.create(name), true);
  }

  /** Another gateway instance on this one's database (its own bus, ledger and alert-service fakes). */
  AlertGateway second() {
    return new AlertGateway(db, false);
  }

  private AlertGateway(TestPostgres db, boolean ownsDatabase) {
    this.db = db;
    this.ownsDatabase = ownsDatabase;
    Map<String, String> env = TestServices.env(db.databaseUrl(), List.of(GatewayService.DEFINITION));
    env.put("BULWARK_ADMIN_KEYS", ADMIN_KEY + "," + OTHER_ADMIN_KEY + "," + BOB_KEY + "," + CAROL_KEY);
    env.put("BULWARK_MFA_TOTP", "alice:" + fingerprint(ADMIN_KEY) + ":" + TOTP_SECRET + ",bob:" + fingerprint(BOB_KEY) + ":" + BOB_SECRET
        + ",carol:" + fingerprint(CAROL_KEY) + ":" + CAROL_SECRET);
    env.put("REDIS_URL", TestRedis.url());
    env.put("BULWARK_AUDIT_TIMEOUT_MS", "1500");
    running = TestServices.start(List.of(GatewayService.DEFINITION), env);
    await(Future.all(ledger.register(running.vertx()), alerts.register(running.vertx())));
    base = "http://127.0.0.1:" + TestServices.httpPort(running, "gateway");
    if (!ownsDatabase) {
      tenantKey = null;
      return;
    }
    HttpResponse<String> t = call("POST", "/admin/tenants", new JsonObject().put("id", "acme").put("name", "Acme").encode(), ADMIN);
    assertEquals(201, t.statusCode(), t.body());
    HttpResponse<String> k = call("POST", "/admin/tenants/acme/keys",
        new JsonObject().put("name", "it").put("scopes", new io.vertx.core.json.JsonArray().add("audit:read")).encode(), ADMIN);
    assertEquals(201, k.statusCode(), k.body());
    tenantKey = Http.json(k).getString("secret");
    assertNotNull(tenantKey, k.body());
  }

  static String fingerprint(String key) {
    return AdminKeys.fingerprint(AdminKeys.hash(key));
  }

  /** The code of the enrolled secret for the time step {@code offset} steps from now. */
  static String code(int offset) {
    return code(TOTP_SECRET, offset);
  }

  /** As {@link #code(int)} for the enrolment with {@code secret}. */
  static String code(String secret, int offset) {
    long step = Instant.now().getEpochSecond() / TotpVerifier.PERIOD_SECONDS + offset;
    return TotpVerifier.hotp(new OtpKey().setKey(secret).getKeyBytes(), step, TotpVerifier.DIGITS);
  }

  /** {@code auth} is the Authorization header (or null); {@code headers} more name/value pairs. */
  HttpResponse<String> call(String method, String path, String body, String auth, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    String[] all = new String[headers.length + 4];
    int n = 0;
    if (auth != null) {
      all[n++] = "Authorization";
      all[n++] = auth;
    }
    if (body != null) {
      all[n++] = "Content-Type";
      all[n++] = "application/json";
    }
    System.arraycopy(headers, 0, all, n, headers.length);
    return Http.send(b, java.util.Arrays.copyOf(all, n + headers.length));
  }

  /** The problem answer, checked for status, code and a request id. */
  static JsonObject problem(HttpResponse<String> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.body());
    JsonObject p = Http.json(r);
    assertEquals(code, p.getString("code"), r.body());
    assertNotNull(p.getString("requestId"), r.body());
    assertEquals(p.getString("requestId"), r.headers().firstValue("x-request-id").orElse(null));
    return p;
  }

  String metrics() {
    return Http.get("http://127.0.0.1:" + TestServices.managementPort(running, "gateway") + "/metrics").body();
  }

  /** The value of the sample of {@code metric} whose labels include every one of {@code labels} (0 when none). */
  double sample(String metric, String... labels) {
    return metrics().lines().filter(l -> l.startsWith(metric + "{"))
        .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** One statement on the gateway's database (to break or mend it under the running gateway). */
  void sql(String statement) throws java.sql.SQLException {
    try (java.sql.Connection c = db.jdbc(); java.sql.Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  static void eventually(String what, BooleanSupplier condition) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within 15 s: " + what);
      }
      Http.sleep(50);
    }
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("did not complete: " + e, e);
    }
  }

  @Override
  public void close() {
    try {
      TestServices.stop(running);
    } finally {
      if (ownsDatabase) {
        db.close();
      }
    }
  }
}
