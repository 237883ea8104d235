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

  EvidenceFailure(int exitCode, String message) {
    // the message is the whole story; a stack trace would only hide it
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
