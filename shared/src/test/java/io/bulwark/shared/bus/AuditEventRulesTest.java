package io.bulwark.shared.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@code POST /v1/events} accepts, and that a rejection lists every problem in one 400 validation.failed. */
class AuditEventRulesTest {
  private static final String REQUEST_ID = "req-from-gateway";
  private static final String SOURCE_IP = "203.0.113.7";

  private static JsonObject valid() {
    return new JsonObject().put("category", "audit").put("tenant", "acme").put("actor", "user:alice")
        .put("action", "user.login").put("outcome", "success").put("target", "account:42")
        .put("details", new JsonObject().put("mfa", true).put("attempt", 1));
  }

  private static AuditEvent validate(JsonObject body) {
    return AuditEventRules.validate(body, REQUEST_ID, SOURCE_IP);
  }

  /** The problem detail of a rejected body, after checking it is a 400 validation.failed. */
  private static String rejection(JsonObject body) {
    ApiException e = assertThrows(ApiException.class, () -> validate(body));
    assertEquals(400, e.status());
    assertEquals(ErrorCodes.VALIDATION_FAILED, e.code());
    return e.detail();
  }

  private static void assertRejected(JsonObject body, String expected) {
    String detail = rejection(body);
    assertTrue(detail.contains(expected), "expected '" + expected + "' in: " + detail);
  }

  @Test
  void aValidEventIsAccepted() {
    AuditEvent e = validate(valid());
    assertEquals("audit", e.category());
    assertEquals("acme", e.tenant());
    assertEquals("user:alice", e.actor());
    assertEquals("user.login", e.action());
    assertEquals("success", e.outcome());
    assertEquals("account:42", e.target());
    assertEquals(new JsonObject().put("mfa", true).put("attempt", 1), e.details());
    assertEquals(REQUEST_ID, e.requestId());
    assertEquals(SOURCE_IP, e.sourceIp());
  }

  @Test
  void optionalFieldsMayBeLeftOut() {
    AuditEvent e = validate(new JsonObject().put("actor", "svc:batch").put("action", "export.run").put("outcome", "failure"));
    assertEquals("audit", e.category(), "category defaults to audit");
    assertNull(e.tenant());
    assertNull(e.target());
    assertEquals(new JsonObject(), e.details());
  }

  @Test
  void systemIsAValidCategoryAndDeniedAValidOutcome() {
    AuditEvent e = validate(valid().put("category", "system").put("outcome", "denied"));
    assertEquals("system", e.category());
    assertEquals("denied", e.outcome());
  }

  @ParameterizedTest
  @ValueSource(strings = {"actor", "action", "outcome"})
  void eachRequiredFieldIsRequired(String field) {
    JsonObject body = valid();
    body.remove(field);
    assertRejected(body, field + " is required");
  }

  @ParameterizedTest
  @ValueSource(strings = {"actor", "action", "outcome"})
  void anExplicitNullCountsAsMissing(String field) {
    assertRejected(valid().putNull(field), field + " is required");
  }

  @Test
  void anEmptyBodyListsEveryRequiredField() {
    String detail = rejection(new JsonObject());
    assertTrue(detail.contains("actor is required") && detail.contains("action is required")
        && detail.contains("outcome is required"), detail);
  }

  @Test
  void wrongTypesAreReported() {
    assertRejected(valid().put("actor", 42), "actor must be a string");
    assertRejected(valid().put("tenant", true), "tenant must be a string");
    assertRejected(valid().put("target", new JsonObject()), "target must be a string");
    assertRejected(valid().put("details", new JsonArray().add(1)), "details must be a JSON object");
    assertRejected(valid().put("details", "text"), "details must be a JSON object");
  }

  @Test
  void unknownFieldsAreNamedSorted() {
    assertRejected(valid().put("zeta", 1).put("alpha", 2), "unknown field(s): alpha, zeta");
  }

  @Test
  void requestIdAndSourceIpCannotComeFromTheBody() {
    String detail = rejection(valid().put("requestId", "spoofed").put("sourceIp", "10.0.0.1"));
    assertTrue(detail.contains("unknown field(s): requestId, sourceIp"), detail);
  }

  @ParameterizedTest
  @ValueSource(strings = {"User.Login", "user login", ".login", "-login", "user/login", "login!", "ünïcode"})
  void actionsOutsideThePatternAreRefused(String action) {
    assertRejected(valid().put("action", action), "action must be lower-case letters");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "user.login", "payments:refund_issued", "0day-scan", "x.y_z:w-1"})
  void actionsWithinThePatternAreAccepted(String action) {
    assertEquals(action, validate(valid().put("action", action)).action());
  }

  @Test
  void anActionOfMoreThan128CharactersIsRefused() {
    assertEquals(128, validate(valid().put("action", "a".repeat(128))).action().length());
    assertRejected(valid().put("action", "a".repeat(129)), "action must be 1-128 characters");
  }

  @Test
  void outcomeAndCategoryComeFromFixedSets() {
    assertRejected(valid().put("outcome", "ok"), "outcome must be one of success, failure, denied");
    assertRejected(valid().put("outcome", "SUCCESS"), "outcome must be one of success, failure, denied");
    assertRejected(valid().put("category", "security"), "category must be audit or system");
  }

  @Test
  void blankOrOverlongStringsAreRefused() {
    assertRejected(valid().put("actor", "   "), "actor must be 1-256 characters");
    assertRejected(valid().put("actor", "x".repeat(257)), "actor must be 1-256 characters");
    assertRejected(valid().put("tenant", ""), "tenant must be 1-128 characters");
    assertRejected(valid().put("target", "t".repeat(513)), "target must be 1-512 characters");
    assertEquals(512, validate(valid().put("target", "t".repeat(512))).target().length());
  }

  @Test
  void detailsUpTo16KiBAreAcceptedAndLargerRefused() {
    JsonObject atLimit = new JsonObject().put("blob", "");
    int overhead = atLimit.encode().length();
    atLimit.put("blob", "x".repeat(AuditEventRules.MAX_DETAILS_BYTES - overhead));
    assertEquals(16 * 1024, atLimit.encode().length());
    validate(valid().put("details", atLimit));

    JsonObject over = new JsonObject().put("blob", "x".repeat(AuditEventRules.MAX_DETAILS_BYTES - overhead + 1));
    assertRejected(valid().put("details", over), "details must be at most 16384 bytes");
  }

  @Test
  void theDetailsLimitCountsUtf8Bytes() {
    // 6000 three-byte characters: 6000 chars, but about 18 KB of UTF-8
    assertRejected(valid().put("details", new JsonObject().put("text", "€".repeat(6000))), "details must be at most");
  }

  @ParameterizedTest
  @ValueSource(strings = {"alice\nadmin", "alice\r", "\u0000alice", "ali\tce", "alice\u001b[31m", "alice\u007f", "alice\u0085"})
  void controlCharactersAreRefused(String actor) {
    assertRejected(valid().put("actor", actor), "actor must not contain control characters");
  }

  @Test
  void numbersThatCanonicalJsonWouldChangeAreRefused() {
    assertRejected(valid().put("details", new JsonObject().put("id", 9_007_199_254_740_993L)), "2^53");
    assertRejected(valid().put("details", new JsonObject().put("n", new JsonObject(
        "{\"big\":123456789012345678901234567890}").getValue("big"))), "2^53");
    assertRejected(valid().put("details", new JsonObject().put("list", new io.vertx.core.json.JsonArray().add(1L << 54))), "2^53");
    validate(valid().put("details", new JsonObject().put("id", 9_007_199_254_740_992L).put("ratio", 0.25)
        .put("nested", new JsonObject().put("n", -42))));
  }

  @Test
  void unicodeTextIsAccepted() {
    AuditEvent e = validate(valid().put("actor", "user:Zoë 日本 😀").put("target", "fichier:été"));
    assertEquals("user:Zoë 日本 😀", e.actor());
    assertEquals("fichier:été", e.target());
  }

  @Test
  void allProblemsAreReportedAtOnce() {
    JsonObject body = new JsonObject().put("actor", 7).put("action", "Bad Action").put("outcome", "maybe")
        .put("category", "other").put("details", new JsonArray()).put("extra", "x");
    String detail = rejection(body);
    for (String expected : new String[] {"unknown field(s): extra", "category must be audit or system",
        "actor must be a string", "action must be lower-case", "outcome must be one of", "details must be a JSON object"}) {
      assertTrue(detail.contains(expected), "expected '" + expected + "' in: " + detail);
    }
    assertEquals(6, detail.split("; ").length, detail);
  }

  @Test
  void theQuickSizeBoundNeverSaysFitsForDetailsThatDoNot() {
    java.util.Random random = new java.util.Random(1024);
    String chars = "aZ9 \u0000\u001f\"\\/\u00e9\u20ac\ud83d\ude00";
    int over = 0;
    for (int i = 0; i < 4000; i++) {
      JsonObject json = object(random, chars, 0);
      int bytes = json.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      for (int limit : new int[] {64, 1024, AuditEventRules.MAX_DETAILS_BYTES}) {
        if (bytes > limit) {
          over++;
          assertTrue(AuditEventRules.mayEncodeLongerThan(json, limit), bytes + " bytes over " + limit + ": " + json.encode());
        }
      }
    }
    assertTrue(over > 1000, "the cases must reach past the limits: " + over);
    assertTrue(!AuditEventRules.mayEncodeLongerThan(new JsonObject().put("rule", "DiskFull").put("n", 3), 1024));
    assertTrue(AuditEventRules.mayEncodeLongerThan(new JsonObject().put("d", new java.math.BigDecimal("1.5")), 1024),
        "an odd type is measured");
  }

  private static JsonObject object(java.util.Random r, String chars, int depth) {
    JsonObject o = new JsonObject();
    int n = r.nextInt(depth == 0 ? 30 : 5);
    for (int i = 0; i < n; i++) {
      Object v = switch (r.nextInt(depth < 2 ? 6 : 4)) {
        case 0 -> text(r, chars, r.nextInt(8) == 0 ? 3000 : 40);
        case 1 -> r.nextLong();
        case 2 -> r.nextBoolean() ? null : -r.nextDouble() * 1e-300;
        case 3 -> r.nextBoolean();
        case 4 -> object(r, chars, depth + 1);
        default -> new JsonArray().add(text(r, chars, 20)).add(r.nextInt()).add(object(r, chars, depth + 1));
      };
      o.put(text(r, chars, 12), v);
    }
    return o;
  }

  private static String text(java.util.Random r, String chars, int max) {
    StringBuilder s = new StringBuilder();
    int n = r.nextInt(max + 1);
    for (int k = 0; k < n; k++) {
      s.append(chars.charAt(r.nextInt(chars.length())));
    }
    return s.toString();
  }
}
