package io.bulwark.shared.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validated configuration of one service. Keys are the environment variable names, so a config file, the
 * environment and the docs all use one vocabulary; service-specific keys stay readable through {@link #raw()}.
 */
public final class ServiceConfig {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private final String service;
  private final JsonObject raw;
  private final BulwarkEnv env;
  private final DatabaseUrl databaseUrl;
  private final int managementPort;
  private final Integer httpPort;
  private final String bindHost;
  private final boolean cluster;
  private final List<String> clusterMembers;
  private final String clusterHost;
  private final int clusterPort;
  private final java.net.URI redisUrl;
  private final int readinessIntervalMs;
  private final int readinessTimeoutMs;
  private final int shutdownDrainMs;
  private final int shutdownTimeoutMs;
  private final int maxBodyBytes;

  private ServiceConfig(String service, JsonObject raw) {
    this.service = service;
    this.raw = raw;
    this.env = BulwarkEnv.parse(string("BULWARK_ENV", "development"));
    this.databaseUrl = DatabaseUrl.parse("DATABASE_URL", raw.getValue("DATABASE_URL") == null ? null : String.valueOf(raw.getValue("DATABASE_URL")));
    this.managementPort = port("MANAGEMENT_PORT", null);
    this.httpPort = raw.containsKey("HTTP_PORT") ? port("HTTP_PORT", null) : null;
    this.bindHost = string("BULWARK_BIND_HOST", "127.0.0.1");
    this.cluster = bool("BULWARK_CLUSTER", false);
    this.clusterHost = string("BULWARK_CLUSTER_HOST", "127.0.0.1");
    this.clusterPort = port("BULWARK_CLUSTER_PORT", 5701);
    this.clusterMembers = members();
    this.redisUrl = redis();
    this.readinessIntervalMs = intRange("BULWARK_READINESS_INTERVAL_MS", 1000, 100, 60_000);
    this.readinessTimeoutMs = intRange("BULWARK_READINESS_TIMEOUT_MS", 1500, 50, 60_000);
    this.shutdownDrainMs = intRange("BULWARK_SHUTDOWN_DRAIN_MS", 1000, 0, 60_000);
    this.shutdownTimeoutMs = intRange("BULWARK_SHUTDOWN_TIMEOUT_MS", 15_000, 100, 300_000);
    this.maxBodyBytes = intRange("BULWARK_MAX_BODY_BYTES", 65_536, 1024, 16 * 1024 * 1024);
  }

  /** Validates {@code raw}; throws {@link ConfigException} naming the first bad key. */
  public static ServiceConfig of(String service, JsonObject raw) {
    return new ServiceConfig(service, raw.copy());
  }

  public String service() { return service; }
  public JsonObject raw() { return raw; }
  public BulwarkEnv env() { return env; }
  public boolean production() { return env == BulwarkEnv.PRODUCTION; }
  public DatabaseUrl databaseUrl() { return databaseUrl; }
  public int managementPort() { return managementPort; }
  /** The traffic port, for services that serve traffic (the gateway). */
  public Integer httpPort() { return httpPort; }
  public String bindHost() { return bindHost; }
  public boolean cluster() { return cluster; }
  public List<String> clusterMembers() { return clusterMembers; }
  public String clusterHost() { return clusterHost; }
  public int clusterPort() { return clusterPort; }
  /** {@code redis://[user:password@]host:port[/db]} or {@code rediss://...}; null when not configured. */
  public java.net.URI redisUrl() { return redisUrl; }
  public int readinessIntervalMs() { return readinessIntervalMs; }
  public int readinessTimeoutMs() { return readinessTimeoutMs; }
  public int shutdownDrainMs() { return shutdownDrainMs; }
  public int shutdownTimeoutMs() { return shutdownTimeoutMs; }
  public int maxBodyBytes() { return maxBodyBytes; }

  /** A string value, or {@code fallback} when absent or blank. */
  public String string(String key, String fallback) {
    Object v = raw.getValue(key);
    if (v == null || String.valueOf(v).isBlank()) {
      return fallback;
    }
    if (v instanceof JsonObject || v instanceof JsonArray) {
      throw new ConfigException(key, "must be a string");
    }
    return String.valueOf(v).trim();
  }

  public boolean bool(String key, boolean fallback) {
    Object v = raw.getValue(key);
    if (v == null || String.valueOf(v).isBlank()) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    return switch (String.valueOf(v).trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new ConfigException(key, "must be true or false (got '" + v + "')");
    };
  }

  /** {@code 90d}, {@code 1h}, {@code 500ms}: a whole number and a unit, between {@code min} and {@code max}. */
  public Duration duration(String key, String fallback, Duration min, Duration max) {
    String text = string(key, fallback).toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      throw new ConfigException(key, "must be a duration such as 500ms, 30s, 10m, 6h or 90d (got '" + text + "')");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new ConfigException(key, "must be between " + min + " and " + max + " (got " + text + ")");
    }
    return d;
  }

  public int intRange(String key, int fallback, int min, int max) {
    Object v = raw.getValue(key);
    if (v == null || String.valueOf(v).isBlank()) {
      return fallback;
    }
    long n;
    try {
      n = v instanceof Number num ? num.longValue() : Long.parseLong(String.valueOf(v).trim());
      if (v instanceof Number num && num.doubleValue() != n) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new ConfigException(key, "must be a whole number between " + min + " and " + max + " (got '" + v + "')");
    }
    if (n < min || n > max) {
      throw new ConfigException(key, "must be between " + min + " and " + max + " (got " + n + ")");
    }
    return (int) n;
  }

  private int port(String key, Integer fallback) {
    if (fallback == null && raw.getValue(key) == null) {
      throw new ConfigException(key, "is required (a port number 0-65535)");
    }
    return intRange(key, fallback == null ? 0 : fallback, 0, 65_535);
  }

  private java.net.URI redis() {
    String raw = string("REDIS_URL", null);
    if (raw == null) {
      return null;
    }
    java.net.URI uri;
    try {
      uri = new java.net.URI(raw);
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException("REDIS_URL", "is not a URL (expected redis://host:port)");
    }
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
      throw new ConfigException("REDIS_URL", "must start with redis:// or rediss:// (got scheme '" + uri.getScheme() + "')");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new ConfigException("REDIS_URL", "has no host (expected redis://host:port)");
    }
    return uri;
  }

  private List<String> members() {
    String list = string("BULWARK_CLUSTER_MEMBERS", "127.0.0.1:5701");
    List<String> out = new ArrayList<>();
    for (String m : list.split(",")) {
      String member = m.trim();
      if (member.isEmpty()) {
        continue;
      }
      int colon = member.lastIndexOf(':');
      if (colon <= 0) {
        throw new ConfigException("BULWARK_CLUSTER_MEMBERS", "entries must be host:port (got '" + member + "')");
      }
      try {
        int p = Integer.parseInt(member.substring(colon + 1));
        if (p < 1 || p > 65_535) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new ConfigException("BULWARK_CLUSTER_MEMBERS", "entries must be host:port with a port 1-65535 (got '" + member + "')");
      }
      out.add(member);
    }
    if (cluster && out.isEmpty()) {
      throw new ConfigException("BULWARK_CLUSTER_MEMBERS", "must list at least one host:port when BULWARK_CLUSTER=true");
    }
    return List.copyOf(out);
  }
}
