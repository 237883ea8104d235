package io.bulwark.alert.notify;

/** How one delivery attempt ended, and what the outbox does next. */
public record DeliveryOutcome(Result result, Integer status, String error) {
  /** sent: done; retry: try again later (5xx, 408, 429, network, timeout); permanent: dead at once (other 4xx). */
  public enum Result { SENT, RETRY, PERMANENT }

  public static DeliveryOutcome ofStatus(int status) {
    if (status >= 200 && status < 300) {
      return new DeliveryOutcome(Result.SENT, status, null);
    }
    boolean retry = status >= 500 || status == 408 || status == 429;
    return new DeliveryOutcome(retry ? Result.RETRY : Result.PERMANENT, status, "HTTP " + status);
  }

  public static DeliveryOutcome ofFailure(Throwable t) {
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    // never the URL's query or anything long: the error is shown to operators and must not echo secrets
    return new DeliveryOutcome(Result.RETRY, null, t.getClass().getSimpleName() + ": " + (m.length() > 200 ? m.substring(0, 200) : m));
  }
}
