package io.bulwark.audit.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.erdtman.jcs.JsonCanonicalizer;
import org.junit.jupiter.api.Test;

/** The direct writer gives the JCS library's bytes for every value: the ledger's entries must not change with it. */
class CanonicalJsonTest {
  private static byte[] library(JsonObject json) throws Exception {
    return new JsonCanonicalizer(json.encode()).getEncodedUTF8();
  }

  @Test
  void randomTreesComeOutAsTheLibraryWritesThem() throws Exception {
    Random random = new Random(8785);
    for (int i = 0; i < 5_000; i++) {
      JsonObject json = object(random, 0);
      assertArrayEquals(library(json), CanonicalJson.of(json), json.encode());
    }
  }

  @Test
  void escapesOrderingAndNumbersOfTheRfc() throws Exception {
    JsonObject json = new JsonObject().put("\u20ac", "€").put("\r", "\u0000\u001f\"\\\b\f\n\r\t\u007f\u2028")
        .put("1", 1e21).put("10", -0.0).put("a", 1e-7).put("A", 9007199254740991L).put("\ud83d\ude00", "\ud83d\ude00 pair")
        .put("lone", "\udc00").put("nested", new JsonObject(Map.of("z", List.of(1, 2.5, "x"), "b", Map.of("k", true))))
        .put("empty", new JsonObject()).put("none", new JsonArray()).put("nil", (Object) null);
    byte[] expected = library(json);
    assertArrayEquals(expected, CanonicalJson.of(json), new String(expected, StandardCharsets.UTF_8));
    assertEquals("{\"1\":1e+21,\"10\":0,\"A\":9007199254740991}",
        new String(CanonicalJson.of(new JsonObject().put("A", 9007199254740991L).put("10", -0.0).put("1", 1e21)),
            StandardCharsets.UTF_8));
  }

  @Test
  void valuesJsonTextWouldConvertGoTheLibrarysWay() throws Exception {
    JsonObject json = new JsonObject().put("at", Instant.parse("2026-11-24T01:02:03Z")).put("bytes", new byte[] {1, 2, 3})
        .put("decimal", new BigDecimal("2.50"));
    assertArrayEquals(library(json), CanonicalJson.of(json));
  }

  private static JsonObject object(Random r, int depth) {
    JsonObject o = new JsonObject();
    int n = r.nextInt(6);
    for (int i = 0; i < n; i++) {
      o.put(string(r), value(r, depth));
    }
    return o;
  }

  private static Object value(Random r, int depth) {
    switch (r.nextInt(depth < 3 ? 9 : 7)) {
      case 0: return string(r);
      case 1: return r.nextInt();
      case 2: return r.nextLong() % (1L << 53);
      case 3: {
        double d = Double.longBitsToDouble(r.nextLong());
        return Double.isFinite(d) ? d : 0.25;
      }
      case 4: return r.nextBoolean();
      case 5: return null;
      case 6: return r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
      case 7: return object(r, depth + 1);
      default: {
        JsonArray a = new JsonArray();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          a.add(value(r, depth + 1));
        }
        return a;
      }
    }
  }

  private static String string(Random r) {
    String pool = "abcAB_-.:/ 0129\"\\\u0000\u0001\u001f\u007f\u00e9\u20ac\u2028\ufeff\b\f\n\r\t";
    StringBuilder s = new StringBuilder();
    int n = r.nextInt(8);
    for (int i = 0; i < n; i++) {
      if (r.nextInt(40) == 0) {
        s.append("\ud83d\ude00");
      } else {
        s.append(pool.charAt(r.nextInt(pool.length())));
      }
    }
    return s.toString();
  }
}
