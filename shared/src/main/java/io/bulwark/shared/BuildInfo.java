package io.bulwark.shared;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Version and git commit baked in at build time. */
public final class BuildInfo {
  private static final Properties PROPS = load();

  private BuildInfo() {}

  public static String version() {
    return PROPS.getProperty("version", "dev") + "+" + commit();
  }

  public static String commit() {
    String c = PROPS.getProperty("commit", "unknown");
    return c.isBlank() || c.startsWith("${") ? "unknown" : c;
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getClassLoader().getResourceAsStream("bulwark-build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // a jar without build info still runs; the version then reads "dev+unknown"
    }
    return p;
  }
}
