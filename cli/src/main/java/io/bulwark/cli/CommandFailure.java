package io.bulwark.cli;

/** An expected reason a command stops: the one line the operator sees and the exit code it stands for. */
final class CommandFailure extends Exception {
  private static final long serialVersionUID = 1L;

  /** The gateway answered but something could not be used (a malformed answer, a write error), or a check failed. */
  static final int INCOMPLETE = 1;
  /** The operator can fix it: arguments, the output folder, credentials, an unknown org or backup (4xx). */
  static final int BAD_INPUT = 2;
  /** Try again later: nothing answers, or the gateway says its database or a service behind it is away (5xx). */
  static final int UNREACHABLE = 3;

  private final int exitCode;
  private final int httpStatus;
  private final String code;
  private final String detail;
  private final String summary;

  CommandFailure(int exitCode, String message) {
    this(exitCode, message, 0, null, null, message);
  }

  /**
   * A failure the gateway answered with {@code httpStatus} (0: no answer), problem {@code code} and {@code detail}
   * (null: none); {@code summary} is a short form of it.
   */
  CommandFailure(int exitCode, String message, int httpStatus, String code, String detail, String summary) {
    // the message is the whole story; a stack trace would only hide it
    super(message, null, false, false);
    this.exitCode = exitCode;
    this.httpStatus = httpStatus;
    this.code = code;
    this.detail = detail;
    this.summary = summary;
  }

  int exitCode() {
    return exitCode;
  }

  /** The HTTP status the gateway answered, 0 when it did not answer at all. */
  int httpStatus() {
    return httpStatus;
  }

  /** The problem code of the answer ({@code backup.in_progress}), or null. */
  String code() {
    return code;
  }

  /** The problem's detail as the gateway wrote it, or null. */
  String detail() {
    return detail;
  }

  /** The same failure with {@code more} added to its line, e.g. what the operator can do next. */
  CommandFailure withHint(String more) {
    return new CommandFailure(exitCode, getMessage() + more, httpStatus, code, detail, summary);
  }

  /**
   * Of two requests that failed together, the one whose line helps most, with the other's summary added when it
   * answered something different. No answer at all explains everything else; a 503 with its code (db.unavailable)
   * says more than the 500 internal.error a sibling request may get from the same outage.
   */
  static CommandFailure mostTelling(CommandFailure a, CommandFailure b) {
    CommandFailure first = a.rank() >= b.rank() ? a : b;
    CommandFailure second = first == a ? b : a;
    if (second.httpStatus == 0 || first.httpStatus == 0) {
      return first;
    }
    return new CommandFailure(first.exitCode, first.getMessage() + "; also " + second.summary, first.httpStatus,
        first.code, first.detail, first.summary);
  }

  private int rank() {
    if (httpStatus == 0) {
      return 4;
    }
    if (httpStatus == 502 || httpStatus == 503 || httpStatus == 504) {
      return 3;
    }
    return httpStatus < 500 ? 2 : 1;
  }
}
