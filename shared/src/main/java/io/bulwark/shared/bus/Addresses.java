package io.bulwark.shared.bus;

/** Event-bus addresses: {@code bulwark.<service>.<verb>}; broadcasts end in {@code .events}. */
public final class Addresses {
  /** Request/reply: append one audit event; replies with {@link AppendReply} once the row is committed. */
  public static final String AUDIT_APPEND = "bulwark.audit.append";
  /** Request/reply: read one ledger entry by index; replies with {@link EntryReply}. */
  public static final String AUDIT_ENTRY = "bulwark.audit.entry";
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
