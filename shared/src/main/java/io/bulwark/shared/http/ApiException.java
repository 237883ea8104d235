package io.bulwark.shared.http;

/** A failure that maps to one HTTP problem: status, stable code and a detail safe to show the caller. */
public class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String code;

  public ApiException(int status, String code, String detail) {
    super(detail, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() { return status; }
  public String code() { return code; }
  public String detail() { return getMessage(); }

  public static ApiException badRequest(String detail) {
    return new ApiException(400, ErrorCodes.VALIDATION_FAILED, detail);
  }
}
