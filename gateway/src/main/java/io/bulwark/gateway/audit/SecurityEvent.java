package io.bulwark.gateway.audit;

/** The security decisions counted in {@code bulwark_security_events_total{event}}; labels are also ledger actions. */
public enum SecurityEvent {
  AUTH_SUCCESS("auth.success"),
  AUTH_FAILURE("auth.failure"),
  AUTH_BLOCKED("auth.blocked"),
  /** A request refused because its source or key prefix is blocked. */
  AUTH_BLOCKED_REQUEST("auth.blocked_request"),
  FORBIDDEN("authz.denied"),
  RATE_LIMITED("ratelimit.exceeded"),
  /** A regulator logged in with a valid access code. */
  REGULATOR_LOGIN("regulator.login"),
  /** A regulator token read something through the portal. */
  REGULATOR_ACCESS("regulator.access"),
  /** A sensitive admin action refused for a missing, wrong or reused one-time code (or no enrolled secret). */
  MFA_DENIED("mfa.denied");

  private final String label;

  SecurityEvent(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
