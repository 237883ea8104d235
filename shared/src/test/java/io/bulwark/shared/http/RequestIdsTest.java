package io.bulwark.shared.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which incoming request ids are kept, and what generated ones look like. */
class RequestIdsTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "Z", "0", "req-1", "a.b_c:d-e", "._:-", "01HZX3J8Q2M4K5N6P7R8S9T0VW", "trace:span.42_x"})
  void acceptsLettersDigitsAndDotUnderscoreColonHyphen(String id) {
    assertTrue(RequestIds.isValid(id), id);
  }

  @Test
  void lengthBoundariesAre1And128() {
    assertTrue(RequestIds.isValid("x"));
    assertTrue(RequestIds.isValid("x".repeat(128)));
    assertFalse(RequestIds.isValid("x".repeat(129)));
    assertFalse(RequestIds.isValid(""));
    assertFalse(RequestIds.isValid(null));
  }

  @ParameterizedTest
  @ValueSource(strings = {" ", "a b", " abc", "abc ", "a\tb", "a\nb", "a/b", "a+b", "a=b", "a,b", "a;b", "<script>",
      "é", "req-ü", "日本", "a\u0000b", "id\u200b", "\uD83D\uDE00"})
  void refusesSpacesControlsOtherPunctuationAndNonAscii(String id) {
    assertFalse(RequestIds.isValid(id), id);
  }

  @Test
  void generatedIdsAreValidTwentyBase36CharactersAndUnique() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = RequestIds.generate();
      assertTrue(RequestIds.isValid(id), id);
      assertEquals(20, id.length(), id);
      assertTrue(id.matches("[0-9a-z]{20}"), id);
      assertTrue(seen.add(id), "duplicate id " + id);
    }
  }
}
