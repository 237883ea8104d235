package io.bulwark.audit.ledger;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.erdtman.jcs.JsonCanonicalizer;
import org.erdtman.jcs.NumberToJSON;

/**
 * RFC 8785 canonical JSON of a Vert.x JSON value, written straight from the object tree. The JCS library alone needs the
 * value as text, which it parses again before writing it canonically; for every ledger entry that round trip was a
 * fifth of an append's CPU. Numbers are still formatted by the library ({@link NumberToJSON}, the ECMAScript form), and
 * anything this writer does not handle itself — a lone surrogate, a value of a type JSON text would have to convert
 * first — goes the library's whole way, so the bytes are the library's in every case (see the property test).
 */
final class CanonicalJson {
  private CanonicalJson() {}

  /** The canonical UTF-8 bytes of {@code json}; IllegalArgumentException when it cannot be canonicalized. */
  static byte[] of(JsonObject json) {
    StringBuilder out = new StringBuilder(256);
    if (write(json.getMap(), out)) {
      return out.toString().getBytes(StandardCharsets.UTF_8);
    }
    try {
      return new JsonCanonicalizer(json.encode()).getEncodedUTF8();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("event cannot be canonicalized: " + e.getMessage(), e);
    }
  }

  /** Writes {@code value}; false when it holds something only the library's way handles exactly. */
  private static boolean write(Object value, StringBuilder out) {
    if (value == null) {
      out.append("null");
      return true;
    }
    if (value instanceof String s) {
      return string(s, out);
    }
    if (value instanceof Boolean b) {
      out.append(b.booleanValue());
      return true;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
        || value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (!Double.isFinite(d) || ((value instanceof Long l) && Math.abs(l) > (1L << 53))) {
        return false;
      }
      try {
        out.append(NumberToJSON.serializeNumber(d));
      } catch (IOException e) {
        return false;
      }
      return true;
    }
    if (value instanceof JsonObject o) {
      return write(o.getMap(), out);
    }
    if (value instanceof Map<?, ?> map) {
      return object(map, out);
    }
    if (value instanceof JsonArray a) {
      return write(a.getList(), out);
    }
    if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        if (!write(list.get(i), out)) {
          return false;
        }
      }
      out.append(']');
      return true;
    }
    return false; // BigDecimal, Instant, byte[], Buffer, enums...: as their JSON text says
  }

  private static boolean object(Map<?, ?> map, StringBuilder out) {
    List<String> keys = new ArrayList<>(map.size());
    for (Object k : map.keySet()) {
      if (!(k instanceof String s)) {
        return false;
      }
      keys.add(s);
    }
    // RFC 8785 orders members by the UTF-16 code units of their names, which is String's natural order
    Collections.sort(keys);
    out.append('{');
    for (int i = 0; i < keys.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      String key = keys.get(i);
      if (!string(key, out)) {
        return false;
      }
      out.append(':');
      if (!write(map.get(key), out)) {
        return false;
      }
    }
    out.append('}');
    return true;
  }

  /** A string as RFC 8785 writes it: only {@code "}, {@code \} and control characters escaped. */
  private static boolean string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        return false; // pairs and lone halves: as the library treats them
      }
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
    return true;
  }
}
