package io.bulwark.suite;

import static io.bulwark.suite.EventSliceIT.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.Http;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** JWT bearer tokens (HS256, RS256, ES256) and brute-force blocking per source address and per key id. */
class AuthDefenceIT {
  private static final String HS_SECRET = "it-jwt-secret-0123456789abcdef0123456789";
  private static SuiteHarness suite;
  private static Vertx vertx;
  private static KeyPair rsa;
  private static KeyPair ec;

  @BeforeAll
  static void start() throws Exception {
    KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
    r.initialize(2048);
    rsa = r.generateKeyPair();
    KeyPairGenerator e = KeyPairGenerator.getInstance("EC");
    e.initialize(new ECGenParameterSpec("secp256r1"));
    ec = e.generateKeyPair();
    JsonArray keys = new JsonArray()
        .add(new JsonObject().put("alg", "HS256").put("secret", HS_SECRET))
        .add(new JsonObject().put("alg", "RS256").put("publicKey", pem("PUBLIC KEY", rsa.getPublic().getEncoded())))
        .add(new JsonObject().put("alg", "ES256").put("publicKey", pem("PUBLIC KEY", ec.getPublic().getEncoded())));
    suite = new SuiteHarness("auth_defence", Map.of("BULWARK_JWT_KEYS", keys.encode(), "BULWARK_TRUSTED_PROXIES", "127.0.0.1",
        "BULWARK_AUTH_FAILURE_LIMIT", "5", "BULWARK_AUTH_BLOCK_MS", "2000"));
    vertx = Vertx.vertx();
    Tenants.create(suite.gateway(), "jwtco");
  }

  @AfterAll
  static void stop() {
    vertx.close();
    suite.close();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  private static String token(String alg, String keyMaterial, JsonObject claims, Integer expiresIn) {
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(keyMaterial)));
    JWTOptions options = new JWTOptions().setAlgorithm(alg);
    if (expiresIn != null) {
      options.setExpiresInSeconds(expiresIn);
    }
    return signer.generateToken(claims, options);
  }

  private static JsonObject claims(String tenant, String scope) {
    return new JsonObject().put("sub", "svc-billing").put("tenant", tenant).put("scope", scope);
  }

  private static HttpResponse<String> entries(String bearer, String from) {
    return Http.get(suite.gateway() + "/v1/audit/entries", "Authorization", "Bearer " + bearer, "X-Forwarded-For", from);
  }

  @Test
  void tokensOfEachAlgorithmMapToTheirTenantAndScopes() {
    String hs = token("HS256", HS_SECRET, claims("jwtco", "read audit:read"), 60);
    String rs = token("RS256", pem("PRIVATE KEY", rsa.getPrivate().getEncoded()), claims("jwtco", "audit:read"), 60);
    String es = token("ES256", pem("PRIVATE KEY", ec.getPrivate().getEncoded()), claims("jwtco", "audit:read"), 60);
    for (String t : new String[] {hs, rs, es}) {
      HttpResponse<String> r = entries(t, "10.1.0.1");
      assertEquals(200, r.statusCode(), r.body());
    }
    assertProblem(entries(token("HS256", HS_SECRET, claims("jwtco", "read"), 60), "10.1.0.1"), 403, "auth.insufficient_scope");
    assertProblem(entries(token("HS256", HS_SECRET, claims("nobody", "audit:read"), 60), "10.1.0.1"), 403, "auth.tenant_suspended");
  }

  @Test
  void forgedExpiredAndConfusedTokensAreRefused() {
    String wrongKey = token("HS256", "another-secret-0123456789abcdef0123456789", claims("jwtco", "audit:read"), 60);
    String noExpiry = token("HS256", HS_SECRET, claims("jwtco", "audit:read"), null);
    String expired = token("HS256", HS_SECRET, claims("jwtco", "audit:read").put("exp", System.currentTimeMillis() / 1000 - 600), null);
    // the RSA public key is public: signing HS256 with it must not pass as the RSA key's token
    String confused = token("HS256", pem("PUBLIC KEY", rsa.getPublic().getEncoded()), claims("jwtco", "audit:read"), 60);
    String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes()) + "."
        + Base64.getUrlEncoder().withoutPadding().encodeToString(claims("jwtco", "audit:read").put("exp", 9_999_999_999L).encode().getBytes()) + ".";
    int ip = 10;
    for (String t : new String[] {wrongKey, noExpiry, expired, confused, none}) {
      assertProblem(entries(t, "10.2.0." + ip++), 401, "auth.invalid_token");
    }
  }

  @Test
  void repeatedFailuresFromOneSourceBlockItForAWhile() {
    String attacker = "10.3.0.1";
    for (int i = 0; i < 5; i++) {
      assertProblem(entries("guess-" + i, attacker), 401, "auth.invalid_key");
    }
    HttpResponse<String> blocked = entries(SuiteHarness.ADMIN_KEY, attacker);
    assertProblem(blocked, 429, "auth.blocked");
    assertTrue(Integer.parseInt(blocked.headers().firstValue("Retry-After").orElseThrow()) >= 1);
    assertEquals(200, entries(SuiteHarness.ADMIN_KEY, "10.3.0.2").statusCode(), "another source is not blocked");
    HttpResponse<String> after = null;
    long end = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < end) {
      after = entries(SuiteHarness.ADMIN_KEY, attacker);
      if (after.statusCode() == 200) {
        break;
      }
      Http.sleep(200);
    }
    assertEquals(200, after.statusCode(), "the block ends");
  }

  @Test
  void guessesAtOneKeyIdFromManySourcesBlockThatKeyId() {
    String prefix = "bwt_zzzzzzzzzzzz_";
    for (int i = 0; i < 5; i++) {
      assertProblem(entries(prefix + String.valueOf((char) ('A' + i)).repeat(43), "10.4.0." + i), 401, "auth.invalid_key");
    }
    assertProblem(entries(prefix + "Z".repeat(43), "10.4.1.1"), 429, "auth.blocked");
    assertEquals(200, entries(SuiteHarness.ADMIN_KEY, "10.4.1.1").statusCode(), "the source itself is not blocked");
    String metrics = Http.get(suite.management("gateway") + "/metrics").body();
    assertTrue(counter(metrics, "auth.blocked") >= 1, metrics);
    assertTrue(counter(metrics, "auth.failure") >= 5);
    assertTrue(counter(metrics, "auth.blocked_request") >= 1);
    // each failure and the block are ledger entries too (they arrive through the spool)
    long end = System.nanoTime() + 15_000_000_000L;
    java.util.Map<String, Integer> actions = new java.util.HashMap<>();
    while (System.nanoTime() < end) {
      actions.clear();
      try (java.sql.Connection c = suite.db.jdbc(); java.sql.Statement st = c.createStatement();
           java.sql.ResultSet rs = st.executeQuery("SELECT action, count(*) FROM audit.entries WHERE convert_from(entry, 'UTF8')::jsonb ->> 'sourceIp' LIKE '10.4.%' GROUP BY action")) {
        while (rs.next()) {
          actions.put(rs.getString(1), rs.getInt(2));
        }
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
      if (actions.getOrDefault("auth.failure", 0) >= 5 && actions.getOrDefault("auth.blocked", 0) >= 1) {
        break;
      }
      Http.sleep(200);
    }
    assertTrue(actions.getOrDefault("auth.failure", 0) >= 5 && actions.getOrDefault("auth.blocked", 0) >= 1, actions.toString());
  }

  static double counter(String metrics, String event) {
    Matcher m = Pattern.compile("bulwark_security_events_total\\{[^}]*event=\"" + Pattern.quote(event) + "\"[^}]*} ([0-9.E+]+)")
        .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
