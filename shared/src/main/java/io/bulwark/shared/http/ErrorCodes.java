package io.bulwark.shared.http;

/** Stable error codes of the problem model; clients and runbooks key on these, so they never change meaning. */
public final class ErrorCodes {
  public static final String NOT_FOUND = "route.not_found";
  public static final String METHOD_NOT_ALLOWED = "route.method_not_allowed";
  public static final String BODY_TOO_LARGE = "request.too_large";
  public static final String MALFORMED_JSON = "validation.malformed_json";
  public static final String VALIDATION_FAILED = "validation.failed";
  public static final String UNSUPPORTED_MEDIA_TYPE = "request.unsupported_media_type";
  public static final String AUTH_MISSING = "auth.missing_credentials";
  public static final String AUTH_INVALID_KEY = "auth.invalid_key";
  public static final String AUTH_EXPIRED_KEY = "auth.expired_key";
  public static final String AUTH_REVOKED_KEY = "auth.revoked_key";
  public static final String AUTH_INVALID_TOKEN = "auth.invalid_token";
  public static final String AUTH_BLOCKED = "auth.blocked";
  public static final String TENANT_SUSPENDED = "auth.tenant_suspended";
  public static final String FORBIDDEN_SCOPE = "auth.insufficient_scope";
  public static final String FORBIDDEN = "auth.forbidden";
  public static final String AUTH_INVALID_ACCESS_CODE = "auth.invalid_access_code";
  public static final String AUTH_READ_ONLY = "auth.read_only";
  public static final String REGULATOR_DISABLED = "regulator.disabled";
  public static final String EVIDENCE_NOT_FOUND = "evidence.not_found";
  public static final String TENANT_NOT_FOUND = "tenant.not_found";
  public static final String TENANT_EXISTS = "tenant.exists";
  public static final String KEY_NOT_FOUND = "key.not_found";
  public static final String KEY_STATE = "key.invalid_state";
  public static final String RATE_LIMITED = "ratelimit.exceeded";
  public static final String RATE_LIMIT_UNAVAILABLE = "ratelimit.unavailable";
  public static final String UPSTREAM_UNAVAILABLE = "upstream.unavailable";
  public static final String UPSTREAM_TIMEOUT = "upstream.timeout";
  public static final String UPSTREAM_CIRCUIT_OPEN = "upstream.circuit_open";
  public static final String AUDIT_UNAVAILABLE = "audit.unavailable";
  public static final String AUDIT_ENTRY_NOT_FOUND = "audit.entry_not_found";
  public static final String AUDIT_NO_CHECKPOINT = "audit.no_checkpoint";
  public static final String AUDIT_NOT_COVERED = "audit.not_covered";
  public static final String AUDIT_PRUNED = "audit.pruned";
  public static final String AUDIT_STANDBY = "audit.standby";
  public static final String AUDIT_RANGE_TOO_LARGE = "audit.range_too_large";
  public static final String BACKUP_NOT_FOUND = "backup.not_found";
  /** A backup run (or, for checks, a verify / drill / restore) is already in progress; the detail names it. */
  public static final String BACKUP_IN_PROGRESS = "backup.in_progress";
  /** The backup exists but cannot be used: it failed, is still running, or its file was pruned. */
  public static final String BACKUP_NOT_AVAILABLE = "backup.not_available";
  public static final String BACKUP_UNAVAILABLE = "backup.unavailable";
  /** A restore was asked to write into the live database, or into one that already exists. */
  public static final String RESTORE_REFUSED = "restore.refused";
  public static final String ALERT_NOT_FOUND = "alert.not_found";
  /** The alert is not in a state that allows the action (acknowledging a resolved alert, say); the detail says which. */
  public static final String ALERT_STATE = "alert.invalid_state";
  public static final String ALERT_UNAVAILABLE = "alert.unavailable";
  public static final String SILENCE_NOT_FOUND = "silence.not_found";
  /** The action needs a one-time code in {@code X-MFA-Code} and none was sent. */
  public static final String MFA_REQUIRED = "mfa.required";
  /** The one-time code was wrong, expired, already used, or the operator has no enrolled secret. */
  public static final String MFA_INVALID = "mfa.invalid";
  public static final String DB_UNAVAILABLE = "db.unavailable";
  public static final String SHUTTING_DOWN = "service.shutting_down";
  public static final String INTERNAL = "internal.error";

  private ErrorCodes() {}
}
