package io.bulwark.shared.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loads a service's configuration: vertx-config reads the defaults in the jar ({@code conf/<service>.json}) and the
 * file named by {@code BULWARK_CONFIG} (top-level keys, then the section named after the service); the environment is
 * laid over both.
 *
 * <p>{@code <SERVICE>_HTTP_PORT}, {@code <SERVICE>_MANAGEMENT_PORT} and {@code <SERVICE>_DATABASE_URL} target one service;
 * the plain port names apply only when a service runs on its own (in the suite four services would fight over them).
 */
public final class ConfigLoader {
  private static final Set<String> SCOPED = Set.of("HTTP_PORT", "MANAGEMENT_PORT", "DATABASE_URL");
  private static final Set<String> PLAIN = Set.of("DATABASE_URL", "REDIS_URL", "HTTP_PORT", "MANAGEMENT_PORT");
  /** Plain keys that only make sense for one process per service. */
  private static final Set<String> PER_PROCESS = Set.of("HTTP_PORT", "MANAGEMENT_PORT");

  private ConfigLoader() {}

  /** Whether the service runs alone in its JVM or beside the others in the suite. */
  public enum Mode { STANDALONE, SUITE }

  public static Future<ServiceConfig> load(Vertx vertx, String service, Map<String, String> env, Mode mode) {
    JsonObject defaults;
    try {
      defaults = defaults(service);
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(-1)
        .addStore(new ConfigStoreOptions().setType("json").setConfig(defaults));
    String file = env.get("BULWARK_CONFIG");
    if (file != null && !file.isBlank()) {
      if (!Files.isReadable(Path.of(file))) {
        return Future.failedFuture(new ConfigException("BULWARK_CONFIG", "names a file that cannot be read: " + file));
      }
      options.addStore(new ConfigStoreOptions().setType("file").setFormat("json")
          .setConfig(new JsonObject().put("path", file)));
    }
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    // the environment is laid over the file only after the file's service section was applied: it must win over both
    return retriever.getConfig()
        .recover(err -> Future.failedFuture(new ConfigException("BULWARK_CONFIG", "could not be read: " + rootMessage(err))))
        .map(json -> ServiceConfig.of(service, flatten(service, json).mergeIn(fromEnv(service, env, mode))))
        .eventually(retriever::close);
  }

  /** The defaults shipped in the jar for {@code service}. */
  public static JsonObject defaults(String service) {
    String resource = "conf/" + service + ".json";
    try (var in = ConfigLoader.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new ConfigException(resource, "is missing from the jar");
      }
      return new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new ConfigException(resource, "could not be read: " + e.getMessage());
    }
  }

  /** The file's section for this service wins over its top-level keys. */
  private static JsonObject flatten(String service, JsonObject merged) {
    JsonObject out = merged.copy();
    Object section = merged.getValue(service);
    if (section instanceof JsonObject s) {
      out.remove(service);
      out.mergeIn(s, true);
    }
    return out;
  }

  static JsonObject fromEnv(String service, Map<String, String> env, Mode mode) {
    JsonObject out = new JsonObject();
    env.forEach((k, v) -> {
      if (k.startsWith("BULWARK_") || (PLAIN.contains(k) && (mode == Mode.STANDALONE || !PER_PROCESS.contains(k)))) {
        out.put(k, v);
      }
    });
    String prefix = service.toUpperCase(Locale.ROOT) + "_";
    for (String key : SCOPED) {
      String v = env.get(prefix + key);
      if (v != null) {
        out.put(key, v);
      }
    }
    return out;
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage().strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl).strip();
  }
}
