package io.bulwark.shared.log;

import static net.logstash.logback.argument.StructuredArguments.kv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.LogCapture;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The JSON log line: its fields, and secrets masked by field name and by value as a second line of defence. */
class LogFormatTest {
  private static final Logger LOG = LoggerFactory.getLogger(LogFormatTest.class);

  @Test
  void linesAreJsonWithTheAgreedFields() {
    try (LogCapture logs = new LogCapture()) {
      MDC.put("requestId", "req-1");
      try {
        LOG.info("something happened", kv("event", "test.happened"));
      } finally {
        MDC.remove("requestId");
      }
      JsonObject line = logs.lines().get(0);
      assertEquals("INFO", line.getString("level"));
      assertEquals("something happened", line.getString("message"));
      assertEquals("test.happened", line.getString("event"));
      assertEquals("req-1", line.getString("requestId"));
      assertTrue(line.containsKey("service") && line.containsKey("time"), line.encode());
    }
  }

  @Test
  void secretFieldsAreMaskedWhateverTheirDepth() {
    List<String> secrets = List.of("hunter2-password", "tok-123456789", "sek-abcdef", "code-4711", "key-ABCDEF");
    try (LogCapture logs = new LogCapture()) {
      LOG.info("login", kv("password", secrets.get(0)), kv("token", secrets.get(1)), kv("secret", secrets.get(2)),
          kv("accessCode", secrets.get(3)), kv("apiKey", secrets.get(4)),
          kv("request", Map.of("headers", Map.of("authorization", "Basic dXNlcjpwYXNz"))));
      String raw = logs.raw();
      for (String s : secrets) {
        assertFalse(raw.contains(s), "secret leaked: " + s + " in " + raw);
      }
      assertFalse(raw.contains("dXNlcjpwYXNz"), raw);
      assertTrue(raw.contains("[redacted]"), raw);
    }
  }

  @Test
  void secretLookingValuesAreMaskedInMessages() {
    try (LogCapture logs = new LogCapture()) {
      LOG.warn("upstream said Authorization: Bearer eyJhbGciOi.payload.sig and key bwk_admin_0123456789abcdefghij");
      String raw = logs.raw();
      assertFalse(raw.contains("eyJhbGciOi.payload.sig"), raw);
      assertFalse(raw.contains("bwk_admin_0123456789abcdefghij"), raw);
    }
  }

  @Test
  void tenantKeysAndBareTokensAreMaskedToo() {
    String tenantKey = "bwt_abcdefghijkl_" + "Zx9".repeat(14) + "q";
    String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzdmMtMSJ9.c2lnbmF0dXJlLWJ5dGVz";
    try (LogCapture logs = new LogCapture()) {
      LOG.warn("client sent key {} and token {}", tenantKey, jwt);
      String raw = logs.raw();
      assertFalse(raw.contains(tenantKey), raw);
      assertFalse(raw.contains(jwt), raw);
      assertTrue(raw.contains("[redacted]"), raw);
    }
  }
}
