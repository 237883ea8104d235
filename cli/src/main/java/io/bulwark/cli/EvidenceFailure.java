package io.bulwark.cli;

/** An expected reason {@code evidence-pack} stops: the one line the operator sees and the exit code it stands for. */
final class EvidenceFailure extends Exception {
  private static final long serialVersionUID = 1L;

  /** The gateway answered but something about the run could not be used (a malformed answer, a write error). */
  static final int INCOMPLETE = 1;
  /** The operator can fix it: arguments, the output folder, credentials, an unknown org (4xx). */
  static final int BAD_INPUT = 2;
  /** Try again later: nothing answers, or the gateway says its database or audit-service is away. */
  static final int UNREACHABLE = 3;

  private final int exitCode;
  private final int httpStatus;
  private final String summary;

  EvidenceFailure(int exitCode, String message) {
    this(exitCode, message, 0, message);
  }

  /** A failure the gateway answered with {@code httpStatus} (0: no answer); {@code summary} is a short form of it. */
  EvidenceFailure(int exitCode, String message, int httpStatus, String summary) {
    // the message is the whole story; a stack trace would only hide it
    super(message, null, false, false);
    this.exitCode = exitCode;
    this.httpStatus = httpStatus;
    this.summary = summary;
  }

  int exitCode() {
    return exitCode;
  }

  /**
   * Of two requests that failed together, the one whose line helps most, with the other's summary added when it
   * answered something different. No answer at all explains everything else; a 503 with its code (db.unavailable)
   * says more than the 500 internal.error a sibling request may get from the same outage.
   */
  static EvidenceFailure mostTelling(EvidenceFailure a, EvidenceFailure b) {
    EvidenceFailure first = a.rank() >= b.rank() ? a : b;
    EvidenceFailure second = first == a ? b : a;
    if (second.httpStatus == 0 || first.httpStatus == 0) {
      return first;
    }
    return new EvidenceFailure(first.exitCode, first.getMessage() + "; also " + second.summary, first.httpStatus,
        first.summary);
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
