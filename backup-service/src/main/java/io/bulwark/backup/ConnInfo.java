package io.bulwark.backup;

import io.bulwark.shared.config.DatabaseUrl;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * How pg_dump and pg_restore are told where to connect: a libpq keyword/value string on the command line (never the
 * password) and the password in the child's environment ({@code PGPASSWORD}), so it shows in no process listing.
 */
public final class ConnInfo {
  private ConnInfo() {}

  /**
   * {@code host=... port=... dbname=... user=...} plus the URL's query parameters (e.g. sslmode); {@code application}
   * names the session in {@code pg_stat_activity} (e.g. {@code bulwark-pg_dump}).
   */
  public static String of(DatabaseUrl url, String application) {
    StringBuilder s = new StringBuilder();
    append(s, "host", url.host());
    append(s, "port", Integer.toString(url.port()));
    append(s, "dbname", url.database());
    append(s, "user", url.user());
    append(s, "application_name", application);
    if (url.query() != null) {
      for (String pair : url.query().split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
          if (!key.equals("password")) {
            append(s, key, URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
          }
        }
      }
    }
    return s.toString();
  }

  /** What the child process gets in its environment to connect: only the password, and no prompt ever. */
  public static Map<String, String> environment(DatabaseUrl url) {
    Map<String, String> env = new HashMap<>();
    if (url.password() != null) {
      env.put("PGPASSWORD", url.password());
    }
    env.put("PGCONNECT_TIMEOUT", "10");
    return env;
  }

  private static void append(StringBuilder s, String key, String value) {
    if (s.length() > 0) {
      s.append(' ');
    }
    s.append(key).append("='").append(value.replace("\\", "\\\\").replace("'", "\\'")).append('\'');
  }
}
