package io.bulwark.gateway.compliance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class JsonSpliceTest {
  @Test
  void theSplicedTextIsTheObjectWithTheMemberAdded() {
    JsonObject head = new JsonObject().put("format", "x/v1").put("nested", new JsonObject().put("a", "}")).put("n", 3);
    JsonObject value = new JsonObject().put("entries", new JsonArray().add(1).add("two")).put("s", "q\"uote");
    Buffer spliced = JsonSplice.withMember(head, "export", value.toBuffer());
    assertEquals(head.copy().put("export", value), new JsonObject(spliced));
    assertEquals(value.toBuffer(), Buffer.buffer(spliced.getBytes()).slice(spliced.length() - value.toBuffer().length() - 1,
        spliced.length() - 1), "the value's bytes are kept exactly");
  }

  @Test
  void anEmptyObjectAndAnAwkwardNameWork() {
    Buffer spliced = JsonSplice.withMember(new JsonObject(), "we\"ird", Buffer.buffer("[1,2]"));
    assertEquals(new JsonObject().put("we\"ird", new JsonArray().add(1).add(2)), new JsonObject(spliced));
  }
}
