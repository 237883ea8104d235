package io.bulwark.shared.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** A parsed {@code postgres://user:pass@host:port/db} URL; {@link #toString()} never shows the password. */
public record DatabaseUrl(String host, int port, String database, String user, String password, String query) {

  public static DatabaseUrl parse(String key, String raw) {
    if (raw == null || raw.isBlank()) {
      throw new ConfigException(key, "is required (postgres://user:password@host:port/database)");
    }
    URI uri;
    try {
      uri = new URI(raw.trim());
    } catch (URISyntaxException e) {
      throw new ConfigException(key, "is not a URL (expected postgres://user:password@host:port/database)");
    }
    String scheme = uri.getScheme();
    if (!"postgres".equals(scheme) && !"postgresql".equals(scheme)) {
      throw new ConfigException(key, "must start with postgres:// (got scheme '" + scheme + "')");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new ConfigException(key, "has no host");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String db = path.startsWith("/") ? path.substring(1) : path;
    if (db.isEmpty() || db.contains("/")) {
      throw new ConfigException(key, "must name one database in its path (postgres://host:port/database)");
    }
    String user = "postgres";
    String password = null;
    String info = uri.getRawUserInfo();
    if (info != null && !info.isEmpty()) {
      int colon = info.indexOf(':');
      user = decode(colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? null : decode(info.substring(colon + 1));
    }
    int port = uri.getPort() < 0 ? 5432 : uri.getPort();
    return new DatabaseUrl(uri.getHost(), port, decode(db), user, password, uri.getRawQuery());
  }

  /** Percent-decoding as in URLs (RFC 3986): unlike form decoding, a literal '+' stays a '+'. */
  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** Percent-encoding for one URL component. */
  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** JDBC URL for Flyway (credentials are passed separately). */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + encode(database) + (query == null ? "" : "?" + query);
  }

  /** Same server, another database: tests and restore drills use it. */
  public DatabaseUrl withDatabase(String other) {
    return new DatabaseUrl(host, port, other, user, password, query);
  }

  /** The URL form, password included, for handing to a child process or client; never log it. */
  public String toUrl() {
    String cred = encode(user) + (password == null ? "" : ":" + encode(password));
    return "postgres://" + cred + "@" + host + ":" + port + "/" + encode(database) + (query == null ? "" : "?" + query);
  }

  @Override
  public String toString() {
    return "postgres://" + user + (password == null ? "" : ":***") + "@" + host + ":" + port + "/" + database;
  }
}
