package io.bulwark.gateway.compliance;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * Adds a member whose value is already JSON text to an object, as bytes: evidence packs and exports carry a ledger
 * bundle of up to tens of megabytes, which is spliced in as audit-service encoded it instead of being parsed into a
 * tree and encoded again.
 */
final class JsonSplice {
  private JsonSplice() {}

  /** {@code object} with {@code name: valueJson} added; {@code valueJson} must be one JSON value. */
  static Buffer withMember(JsonObject object, String name, Buffer valueJson) {
    Buffer head = object.toBuffer();
    // Vert.x encodes compactly: the text ends with the object's closing brace
    Buffer out = Buffer.buffer(head.length() + name.length() + valueJson.length() + 8);
    out.appendBuffer(head, 0, head.length() - 1);
    if (!object.isEmpty()) {
      out.appendString(",");
    }
    return out.appendString(Json.encode(name)).appendString(":").appendBuffer(valueJson).appendString("}");
  }
}
