package io.bulwark.audit.ledger;

import io.bulwark.shared.bus.AuditEvent;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Builds the bytes a ledger entry consists of: the RFC 8785 canonical JSON of the event with its index and time.
 *
 * <p>The event's part is canonicalized once, when the append arrives ({@link #prepare}), off the writer's thread; the
 * writer only splices in the index and time it assigns. That is exact because RFC 8785 sorts members by key and the
 * keys are fixed: {@code action actor category details} come before {@code index}, then {@code outcome requestId
 * sourceIp target tenant}, and {@code time} sorts last.
 */
public final class CanonicalEntry {
  /** Always three fraction digits, so every entry's time has the same width. */
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final byte[] INDEX = ",\"index\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TIME_KEY = ",\"time\":\"".getBytes(StandardCharsets.US_ASCII);

  /** An event canonicalized up to the fields the ledger assigns. */
  public record Prepared(AuditEvent event, byte[] head, byte[] tail) {
    /** The entry's bytes at {@code index} and {@code time}. */
    public byte[] entry(long index, Instant time) {
      byte[] idx = Long.toString(index).getBytes(StandardCharsets.US_ASCII);
      byte[] t = TIME.format(time).getBytes(StandardCharsets.US_ASCII);
      byte[] out = new byte[head.length + INDEX.length + idx.length + 1 + tail.length + TIME_KEY.length + t.length + 2];
      int p = 0;
      p = put(out, p, head);
      p = put(out, p, INDEX);
      p = put(out, p, idx);
      out[p++] = ',';
      p = put(out, p, tail);
      p = put(out, p, TIME_KEY);
      p = put(out, p, t);
      out[p++] = '"';
      out[p] = '}';
      return out;
    }

    private static int put(byte[] out, int at, byte[] part) {
      System.arraycopy(part, 0, out, at, part.length);
      return at + part.length;
    }
  }

  private CanonicalEntry() {}

  public static byte[] of(long index, Instant time, AuditEvent e) {
    return prepare(e).entry(index, time);
  }

  /** Canonicalizes everything but index and time; throws IllegalArgumentException if the event cannot be. */
  public static Prepared prepare(AuditEvent e) {
    JsonObject before = new JsonObject()
        .put("action", e.action())
        .put("actor", e.actor())
        .put("category", e.category())
        .put("details", e.details() == null ? new JsonObject() : e.details());
    JsonObject after = new JsonObject()
        .put("outcome", e.outcome())
        .put("requestId", e.requestId())
        .put("sourceIp", e.sourceIp())
        .put("target", e.target())
        .put("tenant", e.tenant());
    byte[] head = canonical(before);
    byte[] tail = canonical(after);
    // "{...}" of the first group without its closing brace; the second group without either brace
    return new Prepared(e, java.util.Arrays.copyOf(head, head.length - 1), java.util.Arrays.copyOfRange(tail, 1, tail.length - 1));
  }

  private static byte[] canonical(JsonObject json) {
    return CanonicalJson.of(json);
  }

  public static String text(byte[] canonical) {
    return new String(canonical, StandardCharsets.UTF_8);
  }
}
