package io.bulwark.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.http.ApiRouter;
import io.bulwark.shared.http.Drain;
import io.bulwark.shared.test.Http;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.ContractErrorType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIContractException;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's OpenAPI document is a valid OpenAPI 3.1 document, it and Swagger UI are served from a real HTTP server,
 * and the route comparison reports what a router serves undocumented and what the document promises unserved.
 */
class ApiDocsTest {
  /**
   * Media types vertx-openapi 5.0 cannot build request/response validators for, mapped onto ones it can. Only the
   * {@code OpenAPIContract} check sees this view; the document itself is also validated untouched against the OpenAPI
   * 3.1 schema, which accepts any media type.
   */
  private static final Map<String, String> VALIDATOR_MEDIA_TYPES = Map.of("application/problem+json", "application/json",
      "text/csv", "text/plain", "text/html", "text/plain");
  private static final Pattern PAGE_ASSET = Pattern.compile("(?:src|href)=\"(/api-docs/ui/[^\"]+)\"");
  private static Vertx vertx;
  private static ApiDocs docs;
  private static HttpServer server;
  private static String base;

  @BeforeAll
  static void serve() {
    vertx = Vertx.vertx();
    docs = await(ApiDocs.load(vertx));
    // the production router builder, so the docs routes meet the same request-id, body and problem handling
    Router router = ApiRouter.create(vertx, new SimpleMeterRegistry(), new Drain(), 64 * 1024);
    docs.mount(router);
    server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    base = "http://127.0.0.1:" + server.actualPort();
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  @Test
  void theDocumentIsValidOpenApi31() {
    JsonObject doc = docs.document();
    OpenAPIVersion version = OpenAPIVersion.fromContract(doc);
    assertEquals(OpenAPIVersion.V3_1, version);
    OutputUnit result = schemaCheck(doc);
    assertTrue(result.getValid(), () -> "not valid OpenAPI 3.1: " + errors(result));

    OpenAPIContract contract = await(OpenAPIContract.from(vertx, validatorView(doc)));
    assertEquals(docs.operations().size(), contract.operations().size());
    assertEquals("getEvent", contract.findOperation("/v1/events/42", HttpMethod.GET).getOperationId());
    assertEquals("revokeTenantKey",
        contract.findOperation("/admin/tenants/acme/keys/k_0123456789ab", HttpMethod.DELETE).getOperationId());
    assertNotNull(contract.securityScheme("regulatorToken"));
  }

  @Test
  void aBrokenDocumentIsRefused() {
    JsonObject noResponses = docs.document();
    noResponses.getJsonObject("paths").getJsonObject("/v1/events").getJsonObject("post").put("responses", "none");
    assertFalse(schemaCheck(noResponses).getValid(), "responses must be an object");
    assertRefused(noResponses, ContractErrorType.INVALID_SPEC);

    JsonObject noInfo = docs.document();
    noInfo.remove("info");
    assertFalse(schemaCheck(noInfo).getValid(), "info is required");
    assertRefused(noInfo, ContractErrorType.INVALID_SPEC);

    JsonObject dangling = docs.document();
    dangling.getJsonObject("paths").getJsonObject("/v1/events").getJsonObject("post").getJsonObject("requestBody")
        .getJsonObject("content").getJsonObject("application/json").put("schema", new JsonObject()
            .put("$ref", "#/components/schemas/NoSuchSchema"));
    assertRefused(dangling, null);
  }

  @Test
  void everyOperationSaysWhatItIsWhoMayCallItAndHowItFails() {
    JsonObject paths = docs.document().getJsonObject("paths");
    List<String> problems = new ArrayList<>();
    for (String path : paths.fieldNames()) {
      for (Map.Entry<String, Object> e : paths.getJsonObject(path)) {
        if (!(e.getValue() instanceof JsonObject op) || "parameters".equals(e.getKey())) {
          continue;
        }
        String name = e.getKey().toUpperCase(Locale.ROOT) + " " + path;
        if (op.getString("summary", "").isBlank() || op.getString("operationId", "").isBlank()) {
          problems.add(name + ": no summary or operationId");
        }
        if (!(op.getValue("security") instanceof JsonArray)) {
          problems.add(name + ": security not stated (an empty list means none)");
        }
        JsonObject responses = op.getJsonObject("responses");
        // a 2xx answer with a body, stated in place or by reference to a shared response
        boolean success = responses.fieldNames().stream().filter(s -> s.startsWith("2")).map(responses::getJsonObject)
            .anyMatch(r -> r.containsKey("content") || r.containsKey("$ref"));
        if (!success || !responses.containsKey("default")) {
          problems.add(name + ": needs a 2xx answer with content and a default problem answer");
        }
      }
    }
    assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
  }

  @Test
  void apiDocsServesTheDocumentAsJson() {
    HttpResponse<String> r = Http.get(base + ApiDocs.DOC_PATH);
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonObject served = new JsonObject(r.body());
    assertEquals("3.1.0", served.getString("openapi"));
    assertEquals(docs.document(), served);
    assertTrue(served.getJsonObject("info").getString("description").contains("BULWARK_ROUTES_FILE"),
        "says that proxied routes are not in it");
  }

  @Test
  void theUiPageLoadsSwaggerUiFromTheGatewayItself() {
    HttpResponse<String> page = Http.get(base + ApiDocs.UI_PATH);
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    assertFalse(page.body().contains("<script>"), "no inline script: a strict Content-Security-Policy must allow the page");
    assertFalse(page.body().contains("//cdn") || page.body().contains("https://"), "nothing from outside the gateway");
    List<String> assets = new ArrayList<>();
    Matcher m = PAGE_ASSET.matcher(page.body());
    while (m.find()) {
      assets.add(m.group(1));
    }
    assertTrue(assets.contains("/api-docs/ui/swagger-ui-bundle.js"), () -> "page references " + assets);
    assertTrue(assets.contains("/api-docs/ui/swagger-ui.css"), () -> "page references " + assets);
    for (String asset : assets) {
      HttpResponse<String> a = Http.get(base + asset);
      assertEquals(200, a.statusCode(), asset);
      assertFalse(a.body().isEmpty(), asset);
    }
    assertTrue(Http.get(base + "/api-docs/ui/swagger-ui-bundle.js").headers().firstValue("Content-Type").orElse("")
        .contains("javascript"));

    String initializer = Http.get(base + "/api-docs/ui/swagger-initializer.js").body();
    assertTrue(initializer.contains("url: \"/api-docs\""), initializer);
    assertFalse(initializer.contains("petstore.swagger.io"), "the webjar's own initializer is replaced");
    assertEquals(200, Http.get(base + "/api-docs/ui/index.html").statusCode(), "the webjar's page works too");
    HttpResponse<String> missing = Http.get(base + "/api-docs/ui/no-such-file.js");
    assertEquals(404, missing.statusCode());
  }

  @Test
  void theComparisonReportsUndocumentedRoutesAndUnservedOperations() {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> ctx.next());
    docs.mount(router);
    ApiRouter.route(router, HttpMethod.GET, "/v1/events/:index").handler(ctx -> ctx.end());
    ApiRouter.route(router, HttpMethod.POST, "/v1/widgets/:widgetId/spin").handler(ctx -> ctx.end());
    ApiRouter.route(router, HttpMethod.GET, "/files/*").handler(ctx -> ctx.end());
    router.route("/anything/*").handler(ctx -> ctx.end());

    assertEquals(List.of("GET /files/*", "POST /v1/widgets/{widgetId}/spin"), ApiDocs.undocumented(router),
        "a route the document lacks is reported; a prefix route other than the UI's assets too; routes without methods are not");
    List<String> unserved = ApiDocs.unserved(router);
    assertTrue(unserved.contains("POST /v1/events"), () -> "unserved: " + unserved);
    assertTrue(unserved.contains("GET /regulator/keys"), () -> "unserved: " + unserved);
    assertFalse(unserved.contains("GET /v1/events/{index}"), "served, so not reported");
    assertFalse(unserved.contains("GET /api-docs") || unserved.contains("GET /api-docs/ui"), "mount serves both");
    assertEquals(docs.operations().size() - 3, unserved.size());
  }

  @Test
  void aRouterServingExactlyTheDocumentHasNothingToReport() {
    Router router = Router.router(vertx);
    docs.mount(router);
    for (String op : docs.operations()) {
      String[] parts = op.split(" ", 2);
      if (!parts[1].startsWith(ApiDocs.DOC_PATH)) {
        // the document's {param} back to Vert.x's :param
        ApiRouter.route(router, HttpMethod.valueOf(parts[0]), parts[1].replaceAll("\\{([^}]+)}", ":$1")).handler(ctx -> ctx.end());
      }
    }
    assertEquals(List.of(), ApiDocs.undocumented(router));
    assertEquals(List.of(), ApiDocs.unserved(router));
  }

  private static OutputUnit schemaCheck(JsonObject doc) {
    OpenAPIVersion version = OpenAPIVersion.V3_1;
    return await(version.getRepository(vertx, "app://").compose(repo -> version.validateContract(vertx, repo, doc)));
  }

  private static void assertRefused(JsonObject doc, ContractErrorType expected) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> OpenAPIContract.from(vertx, validatorView(doc))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    OpenAPIContractException refused = assertInstanceOf(OpenAPIContractException.class, e.getCause());
    if (expected != null) {
      assertEquals(expected, refused.type(), refused.getMessage());
    }
  }

  /** A copy whose media types are ones vertx-openapi can build validators for (see {@link #VALIDATOR_MEDIA_TYPES}). */
  private static JsonObject validatorView(JsonObject doc) {
    JsonObject copy = doc.copy();
    renameMediaTypes(copy);
    return copy;
  }

  private static void renameMediaTypes(Object node) {
    if (node instanceof JsonObject o) {
      if (o.getValue("content") instanceof JsonObject content) {
        for (String type : new ArrayList<>(content.fieldNames())) {
          String mapped = VALIDATOR_MEDIA_TYPES.get(type);
          if (mapped != null) {
            content.put(mapped, content.remove(type));
          }
        }
      }
      o.forEach(e -> renameMediaTypes(e.getValue()));
    } else if (node instanceof JsonArray a) {
      a.forEach(ApiDocsTest::renameMediaTypes);
    }
  }

  private static String errors(OutputUnit unit) {
    StringBuilder out = new StringBuilder();
    if (unit.getErrors() != null) {
      unit.getErrors().stream().limit(20).forEach(e -> out.append("\n  ").append(e.getInstanceLocation()).append(": ")
          .append(e.getError()));
    }
    return out.toString();
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
