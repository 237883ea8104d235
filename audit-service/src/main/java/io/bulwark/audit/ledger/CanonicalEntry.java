package io.bulwark.audit.ledger;

import io.bulwark.shared.bus.AuditEvent;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.erdtman.jcs.JsonCanonicalizer;

/** Builds the bytes a ledger entry consists of: the RFC 8785 canonical JSON of the event with its index and time. */
public final class CanonicalEntry {
  /** Always three fraction digits, so every entry's time has the same width. */
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private CanonicalEntry() {}

  public static byte[] of(long index, Instant time, AuditEvent e) {
    JsonObject json = new JsonObject()
        .put("index", index)
        .put("time", TIME.format(time))
        .put("category", e.category())
        .put("tenant", e.tenant())
        .put("actor", e.actor())
        .put("action", e.action())
        .put("outcome", e.outcome())
        .put("target", e.target())
        .put("requestId", e.requestId())
        .put("sourceIp", e.sourceIp())
        .put("details", e.details() == null ? new JsonObject() : e.details());
    try {
      return new JsonCanonicalizer(json.encode()).getEncodedUTF8();
    } catch (IOException e1) {
      throw new IllegalArgumentException("event cannot be canonicalized: " + e1.getMessage(), e1);
    }
  }

  public static String text(byte[] canonical) {
    return new String(canonical, StandardCharsets.UTF_8);
  }
}
