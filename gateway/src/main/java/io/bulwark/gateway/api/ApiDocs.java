package io.bulwark.gateway.api;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.bulwark.shared.http.ApiRouter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's OpenAPI document ({@code openapi/gateway.yaml}) served as JSON at {@code GET /api-docs}, Swagger UI at
 * {@code GET /api-docs/ui}, and the check that the document and a router's routes describe the same operations.
 *
 * <p>Everything is read from the classpath and converted once, when an instance is made ({@link #load} does that on a
 * worker thread); serving is then from memory. An instance is immutable and may be shared by every event loop.
 */
public final class ApiDocs {
  /** Classpath location of the document. */
  public static final String RESOURCE = "openapi/gateway.yaml";
  public static final String DOC_PATH = "/api-docs";
  public static final String UI_PATH = "/api-docs/ui";
  /**
   * The one prefix route {@link #mount} adds: the webjar's files (scripts, styles, icons) under {@code /api-docs/ui/}.
   * It is a tree of static files rather than an operation, so the route comparison leaves it out (see {@link #served}).
   */
  public static final String ASSETS_PATH = UI_PATH + "/*";
  private static final Logger LOG = LoggerFactory.getLogger(ApiDocs.class);
  private static final String PAGE = "openapi/ui.html";
  private static final String INITIALIZER = "swagger-initializer.js";
  private static final String WEBJAR_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
  private static final Set<String> OPERATION_KEYS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
      "trace");
  private static final Pattern PATH_PARAM = Pattern.compile(":([A-Za-z0-9_$]+)");
  // duplicate keys would silently drop a path or an operation from the document, so they are an error
  private static final ObjectMapper YAML = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final String json;
  private final Set<String> operations;
  private final String page;
  private final String initializer;
  private final String webjarRoot;

  private ApiDocs(JsonObject document, String page, String initializer, String webjarRoot) {
    this.json = document.encode();
    this.operations = documented(document);
    this.page = page;
    this.initializer = initializer;
    this.webjarRoot = webjarRoot;
  }

  /** Reads and converts everything on a worker thread: classpath reads are blocking I/O, not for an event loop. */
  public static Future<ApiDocs> load(Vertx vertx) {
    return vertx.executeBlocking(() -> fromClasspath(RESOURCE));
  }

  /**
   * Blocking: reads {@code resource} (an OpenAPI document in YAML or JSON), the UI page, its initializer and the
   * webjar's version from the classpath. For threads that may block (tests); {@link #load} is the event-loop-safe way.
   */
  public static ApiDocs fromClasspath(String resource) {
    JsonObject document;
    try {
      document = new JsonObject(YAML.readValue(read(resource), Map.class));
    } catch (IOException e) {
      throw new IllegalStateException(resource + " is not a readable YAML document: " + e.getMessage(), e);
    }
    String version = webjarVersion();
    ApiDocs docs = new ApiDocs(document, read(PAGE), read("openapi/" + INITIALIZER),
        "META-INF/resources/webjars/swagger-ui/" + version);
    LOG.info("API document loaded", kv("event", "apidocs.loaded"), kv("resource", resource),
        kv("operations", docs.operations.size()), kv("swaggerUi", version));
    return docs;
  }

  /** A copy of the document. */
  public JsonObject document() {
    return new JsonObject(json);
  }

  /** The document's operations as {@code "METHOD /path/{param}"}, sorted. */
  public Set<String> operations() {
    return operations;
  }

  /** The classpath directory whose files are served under {@code /api-docs/ui/}. */
  public String webjarRoot() {
    return webjarRoot;
  }

  /**
   * Adds {@code GET /api-docs}, {@code GET /api-docs/ui} and the Swagger UI files. Mount it before any catch-all
   * handler (the proxied routes), like the other APIs. A static handler is made per router: each event loop has its
   * own router, and the handler keeps a per-instance file cache.
   */
  public void mount(Router router) {
    ApiRouter.route(router, HttpMethod.GET, DOC_PATH).handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/json")
        // revalidate, so that a browser sees a redeployed gateway's document rather than an old copy
        .putHeader("Cache-Control", "no-cache")
        .end(json));
    ApiRouter.route(router, HttpMethod.GET, UI_PATH).handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .end(page));
    StaticHandler assets = StaticHandler.create(FileSystemAccess.RELATIVE, webjarRoot).setDirectoryListing(false);
    ApiRouter.route(router, HttpMethod.GET, ASSETS_PATH).handler(this::initializer).handler(assets);
  }

  /** Our initializer replaces the webjar's, which points at the public petstore: so even its own index.html shows ours. */
  private void initializer(RoutingContext ctx) {
    if (!ctx.normalizedPath().equals(UI_PATH + "/" + INITIALIZER)) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("Content-Type", "text/javascript; charset=utf-8").putHeader("Cache-Control", "no-cache")
        .end(initializer);
  }

  /** Operations {@code router} serves that the bundled document does not describe, as {@code "METHOD /path"}. */
  public static List<String> undocumented(Router router) {
    return undocumented(router, Bundled.DOCS);
  }

  /** Operations the bundled document describes that {@code router} does not serve, as {@code "METHOD /path"}. */
  public static List<String> unserved(Router router) {
    return unserved(router, Bundled.DOCS);
  }

  public static List<String> undocumented(Router router, ApiDocs docs) {
    return minus(served(router), docs.operations);
  }

  public static List<String> unserved(Router router, ApiDocs docs) {
    return minus(docs.operations, served(router));
  }

  /**
   * The router's operations as {@code "METHOD /path/{param}"}: routes with a path template and explicit methods
   * (handlers on every request, such as authentication and the proxy's catch-all, have neither; routes declared by a
   * regular expression have no template to compare). Prefix routes cannot be described
   * by OpenAPI paths: {@link #ASSETS_PATH}, a tree of static files, is left out; any other appears as
   * {@code "/prefix/*"} so that it is reported rather than silently ignored.
   */
  static Set<String> served(Router router) {
    Set<String> out = new TreeSet<>();
    for (Route r : router.getRoutes()) {
      String path = r.getPath();
      // a route with :params is regex-backed yet keeps its template as path; only pathRegex routes have none
      if (path == null || r.methods() == null || r.methods().isEmpty()) {
        continue;
      }
      if (!r.isExactPath()) {
        // Vert.x keeps "/a/*" as the prefix "/a/"
        String prefix = path.endsWith("/") ? path : path + "/";
        if (prefix.equals(UI_PATH + "/")) {
          continue;
        }
        path = prefix + "*";
      }
      String template = PATH_PARAM.matcher(path).replaceAll("{$1}");
      r.methods().forEach(m -> out.add(m.name() + " " + template));
    }
    return out;
  }

  private static Set<String> documented(JsonObject document) {
    JsonObject paths = document.getJsonObject("paths", new JsonObject());
    Set<String> out = new TreeSet<>();
    for (String path : paths.fieldNames()) {
      for (String key : paths.getJsonObject(path).fieldNames()) {
        if (OPERATION_KEYS.contains(key)) {
          out.add(key.toUpperCase(Locale.ROOT) + " " + path);
        }
      }
    }
    return Collections.unmodifiableSet(out);
  }

  private static List<String> minus(Set<String> a, Set<String> b) {
    List<String> out = new ArrayList<>();
    for (String s : new TreeSet<>(a)) {
      if (!b.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  /** The webjar's version from its Maven metadata, so that upgrading the dependency needs no change here. */
  private static String webjarVersion() {
    Properties p = new Properties();
    try {
      p.load(new StringReader(read(WEBJAR_POM)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String version = p.getProperty("version");
    if (version == null || version.isBlank()) {
      throw new IllegalStateException(WEBJAR_POM + " names no version");
    }
    return version.trim();
  }

  private static String read(String resource) {
    try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bundled document, read on first use by the static comparisons (tests), never by serving. */
  private static final class Bundled {
    static final ApiDocs DOCS = fromClasspath(RESOURCE);
  }
}
