package io.bulwark.alert.signal;

import io.bulwark.shared.config.ConfigException;
import io.bulwark.shared.config.ServiceConfig;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The services alert-service scrapes: {@code BULWARK_ALERT_TARGETS = name=http://host:port,...}. */
public final class Targets {
  public static final String KEY = "BULWARK_ALERT_TARGETS";

  private Targets() {
  }

  /** Bulwark's four management ports on this host, their configured defaults. */
  public static Map<String, String> localDefault() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("gateway", "http://127.0.0.1:9080");
    m.put("audit", "http://127.0.0.1:9081");
    m.put("backup", "http://127.0.0.1:9082");
    m.put("alert", "http://127.0.0.1:9083");
    return m;
  }

  /**
   * The configured targets, or when the key is unset those of {@code fallback} (the suite passes the ports it bound;
   * a stand-alone service passes {@link #localDefault()}). The fallback is read when this is called.
   */
  public static Map<String, URI> fromConfig(ServiceConfig config, Supplier<Map<String, String>> fallback) {
    String text = config.string(KEY, "");
    return text.isEmpty() ? check(fallback.get()) : parse(text);
  }

  static Map<String, URI> parse(String text) {
    Map<String, String> raw = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(KEY, "each target must be name=http://host:port (got '" + p + "')");
      }
      if (raw.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim()) != null) {
        throw new ConfigException(KEY, "target name '" + p.substring(0, eq).trim() + "' appears twice");
      }
    }
    return check(raw);
  }

  private static Map<String, URI> check(Map<String, String> raw) {
    Map<String, URI> out = new LinkedHashMap<>();
    raw.forEach((name, url) -> {
      URI uri;
      try {
        uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(KEY, "target " + name + ": not a URL: " + url);
      }
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new ConfigException(KEY, "target " + name + ": must be an http(s) URL with a host (got '" + url + "')");
      }
      out.put(name, uri);
    });
    return out;
  }
}
