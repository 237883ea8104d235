package io.bulwark.alert.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Annotations read by the planner as text are the same map once looked at, whatever the JSON held. */
class LazyStringsTest {
  @Test
  void readsAsTheJsonObjectOfStringsItHolds() {
    LazyStrings lazy = new LazyStrings("{\"summary\":\"disk \\\"full\\\"\",\"value\":2.5,\"none\":null,\"n\":3}");
    assertEquals(Map.of("summary", "disk \"full\"", "value", "2.5", "none", "", "n", "3"), lazy);
    assertEquals("disk \"full\"", lazy.get("summary"));
    assertEquals(lazy, Map.copyOf(lazy), "looked at twice, the same");
    assertTrue(new LazyStrings(null).isEmpty());
    assertTrue(new LazyStrings("{}").isEmpty());
  }

  @Test
  void aDocumentThatIsNotJsonFailsWhenRead() {
    LazyStrings lazy = new LazyStrings("{not json");
    assertThrows(RuntimeException.class, lazy::size);
  }
}
