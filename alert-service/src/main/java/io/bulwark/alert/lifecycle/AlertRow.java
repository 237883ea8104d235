package io.bulwark.alert.lifecycle;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One alert as the lifecycle keeps it: identity (fingerprint of the sorted labels), what it says, its state and who moved
 * it there, and what the notification outbox already has. Mutable on purpose: the {@link AlertBook} owns each open
 * alert and changes it only from its one serialized lane; {@link #version} counts the changes the notifier cares about.
 */
public final class AlertRow {
  public static final String PENDING = "pending";
  public static final String FIRING = "firing";
  public static final String ACKNOWLEDGED = "acknowledged";
  public static final String RESOLVED = "resolved";
  public static final String RULE = "rule";
  public static final String EXTERNAL = "external";

  final UUID id;
  final String fingerprint;
  final String rule;
  final String source;
  final String severity;
  final SortedMap<String, String> labels;
  Map<String, String> annotations;
  double value;
  final Instant activeAt;
  final Instant startedAt;
  Instant firingAt;
  Instant acknowledgedAt;
  String acknowledgedBy;
  Instant resolvedAt;
  String resolvedBy;
  String comment;
  Instant endsAt;
  UUID silencedBy;
  boolean inhibited;
  String notifiedState;
  String state;
  long version;
  Instant updatedAt;
  /** How long a pending alert must stay active before it fires; from the rule, not stored. */
  Duration forDuration = Duration.ZERO;

  AlertRow(UUID id, String fingerprint, String rule, String source, String severity, SortedMap<String, String> labels,
           Map<String, String> annotations, double value, String state, Instant activeAt, Instant startedAt) {
    this.id = id;
    this.fingerprint = fingerprint;
    this.rule = rule;
    this.source = source;
    this.severity = severity;
    this.labels = new TreeMap<>(labels);
    this.annotations = Map.copyOf(annotations);
    this.value = value;
    this.state = state;
    this.activeAt = activeAt;
    this.startedAt = startedAt;
    this.updatedAt = startedAt;
    this.version = 1;
  }

  public UUID id() { return id; }
  public String fingerprint() { return fingerprint; }
  public String rule() { return rule; }
  public String source() { return source; }
  public String severity() { return severity; }
  public String state() { return state; }
  public SortedMap<String, String> labels() { return java.util.Collections.unmodifiableSortedMap(labels); }
  public Map<String, String> annotations() { return annotations; }
  public double value() { return value; }
  public Instant activeAt() { return activeAt; }
  public boolean open() { return !RESOLVED.equals(state); }
  /** Firing or acknowledged: the condition holds and it was past its {@code for}. */
  public boolean active() { return FIRING.equals(state) || ACKNOWLEDGED.equals(state); }
  public boolean muted() { return silencedBy != null || inhibited; }

  public JsonObject toJson() {
    JsonObject l = new JsonObject();
    labels.forEach(l::put);
    JsonObject a = new JsonObject();
    new TreeMap<>(annotations).forEach(a::put);
    // most of an alert's times are one instant (a new alert is active, started, firing and updated at once): each
    // distinct one is formatted once, which was a sixth of announcing a flood of new alerts
    Map<Instant, String> texts = new java.util.HashMap<>(8);
    return new JsonObject().put("id", id.toString()).put("fingerprint", fingerprint).put("rule", rule).put("source", source)
        .put("severity", severity).put("state", state).put("labels", l).put("annotations", a)
        .put("value", Double.isFinite(value) ? value : null)
        .put("activeAt", text(activeAt, texts)).put("startedAt", text(startedAt, texts)).put("firingAt", text(firingAt, texts))
        .put("acknowledgedAt", text(acknowledgedAt, texts)).put("acknowledgedBy", acknowledgedBy)
        .put("resolvedAt", text(resolvedAt, texts)).put("resolvedBy", resolvedBy).put("comment", comment)
        .put("endsAt", text(endsAt, texts)).put("silenced", silencedBy != null)
        .put("silencedBy", silencedBy == null ? null : silencedBy.toString()).put("inhibited", inhibited)
        .put("updatedAt", text(updatedAt, texts));
  }

  private static String text(Instant t, Map<Instant, String> texts) {
    return t == null ? null : texts.computeIfAbsent(t, Instant::toString);
  }

}
