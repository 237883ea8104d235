package io.bulwark.ledger;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * RFC 8785 canonical JSON, as far as ledger entries need it: used to classify a failing entry, never on the fast
 * path. Numbers are written as ECMAScript does for integers up to 2^53 (all the gateway lets through); other numbers
 * use the shortest decimal Java gives, which matches ECMAScript in the common cases.
 */
final class CanonicalJson {
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  /** The same settings for reading values out of a larger stream (where more tokens follow). */
  static final ObjectMapper STREAMING = MAPPER.copy().disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private CanonicalJson() {}

  /** The parsed value, or null when the bytes are not one JSON value. */
  static JsonNode parse(byte[] json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      return null;
    }
  }

  /** Whether {@code json} is exactly the canonical form of the value it holds. */
  static boolean isCanonical(byte[] json) {
    JsonNode n = parse(json);
    return n != null && Arrays.equals(json, encode(n));
  }

  /** The top-level {@code "index"} of an entry, or null when the bytes are not an object with an integral index. */
  static Long embeddedIndex(byte[] json) {
    JsonNode n = parse(json);
    if (n == null || !n.isObject() || !n.path("index").canConvertToExactIntegral()) {
      return null;
    }
    return n.get("index").isIntegralNumber() ? n.get("index").asLong() : n.get("index").decimalValue().longValue();
  }

  static byte[] encode(JsonNode n) {
    StringBuilder b = new StringBuilder();
    write(n, b);
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void write(JsonNode n, StringBuilder b) {
    if (n.isObject()) {
      List<String> names = new ArrayList<>();
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      // RFC 8785 sorts by UTF-16 code units, which is exactly String.compareTo
      names.sort(null);
      b.append('{');
      for (int i = 0; i < names.size(); i++) {
        if (i > 0) {
          b.append(',');
        }
        string(names.get(i), b);
        b.append(':');
        write(n.get(names.get(i)), b);
      }
      b.append('}');
    } else if (n.isArray()) {
      b.append('[');
      for (int i = 0; i < n.size(); i++) {
        if (i > 0) {
          b.append(',');
        }
        write(n.get(i), b);
      }
      b.append(']');
    } else if (n.isTextual()) {
      string(n.textValue(), b);
    } else if (n.isNumber()) {
      number(n.decimalValue(), b);
    } else {
      b.append(n.toString());
    }
  }

  private static void number(BigDecimal v, StringBuilder b) {
    double d = v.doubleValue();
    if (d == Math.rint(d) && Math.abs(d) < 1e21) {
      b.append(new BigDecimal(d).toBigInteger());
      return;
    }
    String s = new BigDecimal(Double.toString(d)).stripTrailingZeros().toString();
    b.append(s.replace("E", "e"));
  }

  private static void string(String s, StringBuilder b) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
