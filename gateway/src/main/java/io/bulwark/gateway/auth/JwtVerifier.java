package io.bulwark.gateway.auth;

import io.bulwark.shared.config.ConfigException;
import io.bulwark.shared.config.ServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Verifies JWT bearer tokens (HS256, RS256, ES256; keys from {@code BULWARK_JWT_KEYS}) with vertx-auth-jwt and maps
 * them to a tenant (claim {@code BULWARK_JWT_TENANT_CLAIM}, default {@code tenant}) and scopes ({@code scope} as a
 * space-separated string, or {@code scp} as an array). Tokens must carry {@code exp}.
 */
public final class JwtVerifier {
  private static final Set<String> ALGORITHMS = Set.of("HS256", "RS256", "ES256");
  private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
  private final JWTAuth auth;
  private final String tenantClaim;

  /** What a valid token says. */
  public record Claims(String subject, String tenant, Set<String> scopes) {}

  private JwtVerifier(JWTAuth auth, String tenantClaim) {
    this.auth = auth;
    this.tenantClaim = tenantClaim;
  }

  /** The verifier for the configured keys, or null when none are configured (JWTs are then not accepted). */
  public static JwtVerifier create(Vertx vertx, ServiceConfig config) {
    Object raw = config.raw().getValue("BULWARK_JWT_KEYS");
    if (raw == null || (raw instanceof String s && s.isBlank())) {
      return null;
    }
    JsonArray keys;
    try {
      keys = raw instanceof JsonArray a ? a : new JsonArray(raw.toString());
    } catch (DecodeException e) {
      throw new ConfigException("BULWARK_JWT_KEYS", "must be a JSON array of {\"alg\", \"secret\" | \"publicKey\"}");
    }
    JWTAuthOptions options = new JWTAuthOptions();
    for (int i = 0; i < keys.size(); i++) {
      if (!(keys.getValue(i) instanceof JsonObject k)) {
        throw new ConfigException("BULWARK_JWT_KEYS", "[" + i + "] must be an object");
      }
      options.addPubSecKey(key(k, i));
    }
    if (keys.isEmpty()) {
      throw new ConfigException("BULWARK_JWT_KEYS", "lists no keys");
    }
    JWTOptions jwt = new JWTOptions().setLeeway(config.intRange("BULWARK_JWT_LEEWAY_SECONDS", 30, 0, 300));
    String issuer = config.string("BULWARK_JWT_ISSUER", null);
    if (issuer != null && !issuer.isBlank()) {
      jwt.setIssuer(issuer);
    }
    String audience = config.string("BULWARK_JWT_AUDIENCE", null);
    if (audience != null && !audience.isBlank()) {
      jwt.setAudience(List.of(audience.split(",")).stream().map(String::trim).filter(a -> !a.isEmpty()).toList());
    }
    options.setJWTOptions(jwt);
    return new JwtVerifier(JWTAuth.create(vertx, options), config.string("BULWARK_JWT_TENANT_CLAIM", "tenant"));
  }

  private static PubSecKeyOptions key(JsonObject k, int i) {
    String where = "[" + i + "]";
    if (!(k.getValue("alg") instanceof String alg) || !ALGORITHMS.contains(alg)) {
      throw new ConfigException("BULWARK_JWT_KEYS", where + ".alg must be one of " + ALGORITHMS);
    }
    for (String f : k.fieldNames()) {
      if (!Set.of("alg", "secret", "publicKey", "kid").contains(f)) {
        throw new ConfigException("BULWARK_JWT_KEYS", where + " has an unknown field " + f);
      }
    }
    PubSecKeyOptions o = new PubSecKeyOptions().setAlgorithm(alg);
    if (k.getValue("kid") instanceof String kid) {
      o.setId(kid);
    }
    if (alg.startsWith("HS")) {
      if (!(k.getValue("secret") instanceof String secret) || secret.getBytes(StandardCharsets.UTF_8).length < 32) {
        throw new ConfigException("BULWARK_JWT_KEYS", where + ".secret must be at least 32 bytes for " + alg);
      }
      return o.setBuffer(secret);
    }
    if (!(k.getValue("publicKey") instanceof String pem) || !pem.contains("BEGIN PUBLIC KEY")) {
      throw new ConfigException("BULWARK_JWT_KEYS", where + ".publicKey must be a PEM public key for " + alg);
    }
    return o.setBuffer(pem);
  }

  /** True when the credential has a JWT's shape (so an API key is never sent to the JWT verifier). */
  public static boolean looksLikeJwt(String credential) {
    // cheap checks first (a JWT's header is a JSON object, so it starts "eyJ"); the regex only confirms
    return credential.length() < 8192 && credential.startsWith("eyJ") && SHAPE.matcher(credential).matches();
  }

  /** The token's claims; fails when the signature, issuer, audience or expiry is wrong or a claim is missing. */
  public Future<Claims> verify(String token) {
    return auth.authenticate(new TokenCredentials(token)).compose(user -> {
      JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
      if (!(claims.getValue("exp") instanceof Number)) {
        return Future.failedFuture("token has no exp claim");
      }
      if (!(claims.getValue(tenantClaim) instanceof String tenant) || tenant.isBlank()) {
        return Future.failedFuture("token has no " + tenantClaim + " claim");
      }
      Set<String> scopes = new LinkedHashSet<>();
      if (claims.getValue("scope") instanceof String s) {
        for (String part : s.trim().split("\\s+")) {
          if (!part.isEmpty()) {
            scopes.add(part);
          }
        }
      } else if (claims.getValue("scp") instanceof JsonArray a) {
        a.forEach(v -> {
          if (v instanceof String str) {
            scopes.add(str);
          }
        });
      }
      String sub = claims.getValue("sub") instanceof String s ? s : "unknown";
      return Future.succeededFuture(new Claims(sub.length() > 100 ? sub.substring(0, 100) : sub, tenant, Set.copyOf(scopes)));
    });
  }
}
