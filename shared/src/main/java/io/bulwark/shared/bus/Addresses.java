package io.bulwark.shared.bus;

/** Event-bus addresses: {@code bulwark.<service>.<verb>}; broadcasts end in {@code .events}. */
public final class Addresses {
  /** Request/reply: append one audit event; replies with {@link AppendReply} once the row is committed. */
  public static final String AUDIT_APPEND = "bulwark.audit.append";
  /** Request/reply: read one ledger entry by index; replies with {@link EntryReply}. */
  public static final String AUDIT_ENTRY = "bulwark.audit.entry";
  /** Request/reply: search entries (keyset paging, optional tenant scope). */
  public static final String AUDIT_SEARCH = "bulwark.audit.search";
  /** Request/reply: the latest signed checkpoint. */
  public static final String AUDIT_CHECKPOINT = "bulwark.audit.checkpoint";
  /** Request/reply: the ledger's signing identities as verifier keys. */
  public static final String AUDIT_KEYS = "bulwark.audit.keys";
  /** Request/reply: a tlog-proof for one entry. */
  public static final String AUDIT_PROOF = "bulwark.audit.proof";
  /** Request/reply: a consistency proof between two tree sizes. */
  public static final String AUDIT_CONSISTENCY = "bulwark.audit.consistency";
  /** Request/reply: a self-contained export bundle (JSON) or CSV of a range. */
  public static final String AUDIT_EXPORT = "bulwark.audit.export";
  /** Request/reply: run the full ledger verification now. */
  public static final String AUDIT_VERIFY = "bulwark.audit.verify";
  /** Request/reply: retention worker status, pause, resume, run now. */
  public static final String AUDIT_RETENTION = "bulwark.audit.retention";
  /**
   * Request/reply: the ledger's state in one answer (size, pruned-below index, latest checkpoint and its age, last
   * verification, retention, signing identities), for compliance reports.
   */
  public static final String AUDIT_STATUS = "bulwark.audit.status";
  /** Broadcast: ledger facts other services react to (verification failures, retention runs). */
  public static final String AUDIT_EVENTS = "bulwark.audit.events";
  /**
   * Broadcast: a tenant key was issued, replaced or revoked, or a tenant suspended or resumed; every gateway instance
   * drops what it cached about that tenant.
   */
  public static final String GATEWAY_KEYS_EVENTS = "bulwark.gateway.keys.events";
  /**
   * Broadcast: a gateway instance counted an authentication failure against a subject (a source address or a key id);
   * every instance counts it too, so a block starts after the same number of failures however they were spread.
   */
  public static final String GATEWAY_AUTH_EVENTS = "bulwark.gateway.auth.events";
  /**
   * Request/reply: start a backup run now ({@code trigger}, {@code actor}, {@code requestId}, optional {@code wait});
   * replies with the run at once (status {@code running}) or, with {@code wait}, when it has finished.
   */
  public static final String BACKUP_RUN = "bulwark.backup.run";
  /** Request/reply: list backups (available by default; {@code status} all / failed) with the running one and last outcomes. */
  public static final String BACKUP_LIST = "bulwark.backup.list";
  /** Request/reply: one backup with its manifest and the history of its checks. */
  public static final String BACKUP_GET = "bulwark.backup.get";
  /** Request/reply: verify, drill or restore one backup ({@code kind}); replies at once or, with {@code wait}, when done. */
  public static final String BACKUP_CHECK = "bulwark.backup.check";
  /** Request/reply: the backup state in one answer (last backup, last drill, latest manifest, storage), for reports. */
  public static final String BACKUP_STATUS = "bulwark.backup.status";
  /** Broadcast: backup started / succeeded / failed / verified, drill passed / failed, restore ready / failed, pruned. */
  public static final String BACKUP_EVENTS = "bulwark.backup.events";
  /**
   * Request/reply: alerts, newest first ({@code state} pending / firing / acknowledged / resolved / open, {@code severity},
   * {@code labels} object of exact matches, {@code limit} 1..1000); replies {@code {alerts: [...]}}.
   */
  public static final String ALERT_LIST = "bulwark.alert.list";
  /** Request/reply: one alert by {@code id}; fails 404 {@code alert.not_found}. */
  public static final String ALERT_GET = "bulwark.alert.get";
  /** Request/reply: acknowledge an open alert ({@code id}, {@code actor}, optional {@code comment}); replies {@code {alert}}. */
  public static final String ALERT_ACK = "bulwark.alert.ack";
  /** Request/reply: resolve an alert by hand ({@code id}, {@code actor}, optional {@code comment}); the caller checked MFA. */
  public static final String ALERT_RESOLVE = "bulwark.alert.resolve";
  /** Request/reply: silences ({@code active} true by default: the ones not yet expired); replies {@code {silences: [...]}}. */
  public static final String ALERT_SILENCE_LIST = "bulwark.alert.silence.list";
  /** Request/reply: create a silence ({@code matchers}, {@code endsAt} or {@code durationSeconds}, {@code createdBy}, {@code comment}). */
  public static final String ALERT_SILENCE_CREATE = "bulwark.alert.silence.create";
  /** Request/reply: expire a silence now ({@code id}, {@code actor}); replies {@code {silence}}. */
  public static final String ALERT_SILENCE_DELETE = "bulwark.alert.silence.delete";
  /** Request/reply: open alerts counted by severity and state, for the compliance report. */
  public static final String ALERT_SUMMARY = "bulwark.alert.summary";
  /** Request/reply: the notification outbox ({@code op}: stats / pause / resume / clean / redrive). */
  public static final String ALERT_OUTBOX = "bulwark.alert.outbox";
  /** Broadcast: an alert changed state ({@code type} alert.pending / firing / acknowledged / resolved, {@code alert}). */
  public static final String ALERT_EVENTS = "bulwark.alert.events";
  /** Local to alert-service: an alert row changed and the notification dispatcher should look now rather than at its next poll. */
  public static final String ALERT_CHANGED = "bulwark.alert.changed";
  /**
   * Request/reply among alert-service instances: an Alertmanager-API batch ({@code alerts}: its JSON text) taken by a
   * standby, handed to the leader, which alone changes alerts.
   */
  public static final String ALERT_INTAKE = "bulwark.alert.intake";
  public static final String AUDIT_PING = "bulwark.audit.ping";
  public static final String BACKUP_PING = "bulwark.backup.ping";
  public static final String ALERT_PING = "bulwark.alert.ping";
  public static final String GATEWAY_PING = "bulwark.gateway.ping";

  private Addresses() {}

  /** The ping address of a service, by its name. */
  public static String ping(String service) {
    return "bulwark." + service + ".ping";
  }
}
