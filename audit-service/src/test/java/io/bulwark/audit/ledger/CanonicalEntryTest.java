package io.bulwark.audit.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.ledger.MerkleHash;
import io.bulwark.shared.bus.AuditEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The bytes of a ledger entry: RFC 8785 canonical JSON of index, time and event, and their RFC 6962 leaf hash. */
class CanonicalEntryTest {
  private static final Instant TIME = Instant.parse("2024-05-06T07:08:09.123456789Z");

  private static AuditEvent event(JsonObject details) {
    return new AuditEvent("audit", "acme", "user:alice", "user.login", "success", "account:42", "req-1", "203.0.113.7",
        details);
  }

  private static String text(long index, Instant time, AuditEvent e) {
    return CanonicalEntry.text(CanonicalEntry.of(index, time, e));
  }

  @Test
  void keysAreSortedWithoutWhitespace() {
    String expected = "{\"action\":\"user.login\",\"actor\":\"user:alice\",\"category\":\"audit\","
        + "\"details\":{\"attempt\":2,\"mfa\":true,\"zone\":\"eu\"},\"index\":7,\"outcome\":\"success\","
        + "\"requestId\":\"req-1\",\"sourceIp\":\"203.0.113.7\",\"target\":\"account:42\",\"tenant\":\"acme\","
        + "\"time\":\"2024-05-06T07:08:09.123Z\"}";
    JsonObject details = new JsonObject().put("zone", "eu").put("mfa", true).put("attempt", 2);
    assertEquals(expected, text(7, TIME, event(details)));
  }

  @Test
  void numbersAreInTheirEcmaScriptForm() {
    JsonObject details = new JsonObject().put("one", 1.0).put("half", 0.5).put("big", 1e21).put("small", 1e-7)
        .put("micro", 0.000001).put("negZero", -0.0).put("neg", -12).put("maxSafe", 9007199254740991L)
        .put("list", new JsonArray().add(100).add(2.50));
    String t = text(0, TIME, event(details));
    assertTrue(t.contains("\"details\":{\"big\":1e+21,\"half\":0.5,\"list\":[100,2.5],\"maxSafe\":9007199254740991,"
        + "\"micro\":0.000001,\"neg\":-12,\"negZero\":0,\"one\":1,\"small\":1e-7}"), t);
  }

  @Test
  void theSameInputGivesTheSameBytesWhateverTheKeyOrder() {
    JsonObject a = new JsonObject().put("x", 1).put("y", new JsonObject().put("p", "q").put("a", "b"));
    JsonObject b = new JsonObject().put("y", new JsonObject().put("a", "b").put("p", "q")).put("x", 1);
    byte[] first = CanonicalEntry.of(3, TIME, event(a));
    assertArrayEquals(first, CanonicalEntry.of(3, TIME, event(a)));
    assertArrayEquals(first, CanonicalEntry.of(3, TIME, event(b)));
  }

  @Test
  void timeIsTruncatedToMillisInUtc() {
    assertTrue(text(0, TIME, event(null)).contains("\"time\":\"2024-05-06T07:08:09.123Z\""));
    Instant fromOffset = OffsetDateTime.of(2024, 5, 6, 9, 8, 9, 999_999_999, ZoneOffset.ofHours(2)).toInstant();
    assertTrue(text(0, fromOffset, event(null)).contains("\"time\":\"2024-05-06T07:08:09.999Z\""));
    // a zero fraction is still written: every entry's time has the same width
    assertTrue(text(0, Instant.parse("2024-05-06T07:08:09.000900Z"), event(null)).contains("\"time\":\"2024-05-06T07:08:09.000Z\""));
  }

  @Test
  void nullFieldsArePresentAsNullAndMissingDetailsAreAnEmptyObject() {
    AuditEvent sparse = new AuditEvent("system", null, "svc:backup", "backup.failed", "failure", null, null, null, null);
    assertEquals("{\"action\":\"backup.failed\",\"actor\":\"svc:backup\",\"category\":\"system\",\"details\":{},"
        + "\"index\":12,\"outcome\":\"failure\",\"requestId\":null,\"sourceIp\":null,\"target\":null,\"tenant\":null,"
        + "\"time\":\"2024-05-06T07:08:09.123Z\"}", text(12, TIME, sparse));
  }

  @Test
  void unicodeIsWrittenAsUtf8AndOnlyControlsAreEscaped() {
    AuditEvent e = new AuditEvent("audit", "Zoë", "user:日本 😀", "user.login", "success", "tab\there", null, null,
        new JsonObject().put("quote", "say \"hi\" \\ bye").put("ctl", "\u0001\u001f").put("sep", "\u2028"));
    byte[] bytes = CanonicalEntry.of(1, TIME, e);
    String t = new String(bytes, StandardCharsets.UTF_8);
    assertTrue(t.contains("\"actor\":\"user:日本 😀\""), t);
    assertTrue(t.contains("\"tenant\":\"Zoë\""), t);
    assertTrue(t.contains("\"target\":\"tab\\there\""), t);
    assertTrue(t.contains("\"ctl\":\"\\u0001\\u001f\""), t);
    assertTrue(t.contains("\"quote\":\"say \\\"hi\\\" \\\\ bye\""), t);
    assertTrue(t.contains("\"sep\":\"\u2028\""), t);
    assertEquals(t, CanonicalEntry.text(bytes));
  }

  @Test
  void keysSortByUtf16CodeUnits() {
    // U+1F600 is stored as the surrogates D83D DE00, which sort before U+FB01 although its code point is larger
    JsonObject details = new JsonObject().put("\uFB01", 1).put("\uD83D\uDE00", 2).put("é", 3).put("z", 4).put("Z", 5);
    String t = text(0, TIME, event(details));
    assertTrue(t.contains("\"details\":{\"Z\":5,\"z\":4,\"é\":3,\"\uD83D\uDE00\":2,\"\uFB01\":1}"), t);
  }

  @Test
  void leafHashOfTheCanonicalBytesIsTheRfc6962LeafHash() throws Exception {
    byte[] entry = CanonicalEntry.of(5, TIME, event(new JsonObject().put("k", "v")));
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update((byte) 0x00);
    sha.update(entry);
    assertArrayEquals(sha.digest(), MerkleHash.leafHash(entry));
    assertArrayEquals(MerkleHash.leafHash(entry), MerkleHash.leafHash(CanonicalEntry.of(5, TIME, event(new JsonObject().put("k", "v")))));
  }

  /** The spliced entry equals RFC 8785 applied to the whole object, for awkward keys and values in details too. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(longs = {0, 1, 9, 10, 255, 256, 123456789, 9007199254740991L})
  void splicingIndexAndTimeEqualsCanonicalizingTheWholeEntry(long index) throws Exception {
    java.util.Random random = new java.util.Random(index);
    for (int n = 0; n < 50; n++) {
      JsonObject details = new JsonObject().put("index", "nested").put("time", random.nextInt())
          .put("outcome", new JsonObject().put("zz", "\u00e9\"q\"\n").put("a", random.nextDouble()))
          .put("\u20ac", new JsonArray().add(random.nextLong() % 1000).addNull());
      AuditEvent e = new AuditEvent(n % 2 == 0 ? "audit" : "system", n % 3 == 0 ? null : "t" + n, "actor " + n, "a.b",
          "denied", n % 5 == 0 ? null : "target/" + n, "req-" + n, n % 4 == 0 ? null : "::1", details);
      JsonObject whole = new JsonObject().put("index", index).put("time", "2024-05-06T07:08:09.123Z")
          .put("category", e.category()).put("tenant", e.tenant()).put("actor", e.actor()).put("action", e.action())
          .put("outcome", e.outcome()).put("target", e.target()).put("requestId", e.requestId()).put("sourceIp", e.sourceIp())
          .put("details", details);
      byte[] expected = new org.erdtman.jcs.JsonCanonicalizer(whole.encode()).getEncodedUTF8();
      assertEquals(new String(expected, StandardCharsets.UTF_8), text(index, TIME, e));
    }
  }
}
