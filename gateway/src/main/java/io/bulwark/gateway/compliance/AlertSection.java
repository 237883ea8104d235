package io.bulwark.gateway.compliance;

import io.bulwark.gateway.alert.AlertRequests;
import io.bulwark.shared.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * alert-service's open alerts as the compliance report shows them, read once per report. That alert-service did not
 * answer is a fact to report (counts null, with a note), never a reason to fail the report.
 */
public final class AlertSection {
  private static final String[] SEVERITIES = {"critical", "warning", "info"};
  private final JsonObject summary;
  private final String unavailable;

  private AlertSection(JsonObject summary, String unavailable) {
    this.summary = summary;
    this.unavailable = unavailable;
  }

  /** Asks alert-service for {@code bulwark.alert.summary} (with the requests' ordinary timeout); never fails. */
  public static Future<AlertSection> read(AlertRequests alerts) {
    return alerts.summary().map(s -> new AlertSection(s, null)).otherwise(err -> new AlertSection(null,
        err instanceof ApiException e ? e.detail() : "alert-service could not be asked: " + err.getMessage()));
  }

  /**
   * The report's {@code alerts}: {@code status} {@code reported} with {@code open} counts by severity, or {@code
   * unavailable} with {@code open: null} and a {@code detail}. The operator's view adds the counts by state, how many
   * are silenced and since when the oldest open alert is open; a tenant sees the open counts only, since the alerts
   * themselves describe the whole installation (other tenants' routes and upstreams among them).
   */
  JsonObject forReport(boolean operatorView) {
    if (summary == null) {
      return new JsonObject().put("status", "unavailable").putNull("open").put("detail", unavailable);
    }
    JsonObject open = new JsonObject();
    JsonObject given = summary.getValue("open") instanceof JsonObject o ? o : new JsonObject();
    long total = 0;
    for (String s : SEVERITIES) {
      long n = given.getValue(s) instanceof Number c ? c.longValue() : 0L;
      open.put(s, n);
      total += n;
    }
    JsonObject out = new JsonObject().put("status", "reported").put("open", open).put("openTotal", total);
    if (operatorView) {
      out.put("byState", summary.getValue("byState")).put("silenced", summary.getValue("silenced"))
          .put("oldestOpenSince", summary.getValue("oldestOpenSince"));
    }
    return out;
  }
}
