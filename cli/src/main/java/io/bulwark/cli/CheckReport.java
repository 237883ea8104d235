package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The text of a finished verify, drill or restore: the verdict, then what backup-service reports in {@code result}:
 * steps with durations, the ledger verification, row counts and, for a restore, the database and how to promote it.
 * The shapes inside {@code result} are read leniently (a field that is absent is left out), since they are the
 * service's to extend; {@code --json} shows everything.
 */
final class CheckReport {
  private static final Set<String> VERDICT_FIELDS = Set.of("verified", "status", "reason", "detail", "ok");

  private CheckReport() {}

  static List<String> render(JsonNode check) {
    List<String> lines = new ArrayList<>();
    String kind = BackupText.orNone(check, "kind");
    String took = BackupText.millis(check, "durationMs");
    lines.add(kind + " " + BackupText.orNone(check, "id") + " of " + BackupText.orNone(check, "backupId") + ": "
        + BackupText.orNone(check, "status") + " (" + BackupText.orNone(check, "reason") + ")"
        + (took != null ? " in " + took : ""));
    String detail = BackupText.text(check, "detail");
    if (detail != null && !detail.isEmpty()) {
      BackupReport.add(lines, "detail", BackupText.redact(detail));
    }
    BackupReport.add(lines, "finished", BackupText.time(BackupText.text(check, "finishedAt")));
    JsonNode result = BackupText.object(check, "result");
    if (result != null) {
      steps(lines, result.get("steps"));
      ledger(lines, first(result, "ledger", "ledgerVerification"));
      rows(lines, first(result, "rowCounts", "rows"));
      if ("restore".equals(kind)) {
        restore(lines, result, "passed".equals(BackupText.text(check, "status")));
      }
    }
    return lines;
  }

  /** Steps as an array of {@code {name, status, durationMs, detail}} or as an object of name to such (or to ms). */
  private static void steps(List<String> lines, JsonNode steps) {
    List<String[]> rows = new ArrayList<>();
    if (steps != null && steps.isArray()) {
      for (JsonNode s : steps) {
        String name = BackupText.text(s, "name") != null ? BackupText.text(s, "name") : BackupText.orNone(s, "step");
        rows.add(step(name, s));
      }
    } else if (steps != null && steps.isObject()) {
      steps.fields().forEachRemaining(e -> rows.add(step(e.getKey(), e.getValue())));
    }
    if (rows.isEmpty()) {
      return;
    }
    lines.add("steps");
    int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
    for (String[] r : rows) {
      lines.add(("  " + String.format("%-" + width + "s  %9s  %s", r[0], r[1], r[2])).stripTrailing());
    }
  }

  private static String[] step(String name, JsonNode s) {
    if (s.isNumber()) {
      return new String[] {name, BackupText.duration(s.asLong()), ""};
    }
    String took = BackupText.millis(s, "durationMs") != null ? BackupText.millis(s, "durationMs")
        : BackupText.millis(s, "ms");
    String status = BackupText.text(s, "status") != null ? BackupText.text(s, "status") : okOrFailed(s.get("ok"));
    String detail = BackupText.text(s, "detail");
    String outcome = (status != null ? status : "") + (detail != null && !detail.isEmpty() ? ": " + detail : "");
    return new String[] {name, took != null ? took : BackupText.NONE, BackupText.redact(outcome)};
  }

  /** The ledger verdict from a {@code VerificationResult}-like object: verified or not, why, and its counts. */
  private static void ledger(List<String> lines, JsonNode ledger) {
    if (ledger == null) {
      return;
    }
    if (ledger.isBoolean()) {
      BackupReport.add(lines, "ledger", ledger.asBoolean() ? "verified" : "NOT verified");
      return;
    }
    JsonNode verified = ledger.get("verified");
    String verdict = verified != null && verified.isBoolean() ? (verified.asBoolean() ? "verified" : "NOT verified")
        : BackupText.orNone(ledger, "status");
    String reason = BackupText.text(ledger, "reason");
    if (reason != null && !"ok".equals(reason)) {
      verdict += " (" + reason + ")";
    }
    List<String> facts = new ArrayList<>();
    ledger.fields().forEachRemaining(e -> {
      if (!VERDICT_FIELDS.contains(e.getKey()) && e.getValue().isValueNode() && !e.getValue().isNull()) {
        facts.add(e.getKey() + " " + e.getValue().asText());
      } else if (e.getValue().isObject() && BackupText.text(e.getValue(), "size") != null) {
        facts.add(e.getKey() + " size " + BackupText.text(e.getValue(), "size"));
      }
    });
    String detail = BackupText.text(ledger, "detail");
    BackupReport.add(lines, "ledger", BulwarkCli.singleLine(verdict + (facts.isEmpty() ? "" : ": "
        + String.join(", ", facts)) + (detail != null && !detail.isEmpty() ? "; " + detail : "")));
  }

  /**
   * Row counts per table: a number, or {@code {expected, actual}} (also {@code manifest}/{@code restored}) when the
   * service compares them, in which case a table that differs is marked.
   */
  private static void rows(List<String> lines, JsonNode rows) {
    if (rows != null && rows.isNumber()) {
      BackupReport.add(lines, "rows", rows.asText());
      return;
    }
    if (rows == null || !rows.isObject() || rows.isEmpty()) {
      return;
    }
    lines.add("rows");
    int width = 0;
    for (Iterator<String> it = rows.fieldNames(); it.hasNext(); ) {
      width = Math.max(width, it.next().length());
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = rows.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      String text;
      if (v.isObject()) {
        JsonNode expected = first(v, "expected", "manifest");
        JsonNode actual = first(v, "actual", "restored");
        text = (actual != null ? actual.asText() : BackupText.NONE) + " (manifest "
            + (expected != null ? expected.asText() : BackupText.NONE) + ")";
        if (expected != null && actual != null && !expected.asText().equals(actual.asText())) {
          text += "  MISMATCH";
        }
      } else {
        text = v.asText();
      }
      lines.add("  " + String.format("%-" + width + "s  %s", e.getKey(), text).stripTrailing());
    }
  }

  /** Where the restore went, whether it can be promoted, and the one thing the operator does next. */
  private static void restore(List<String> lines, JsonNode result, boolean passed) {
    String database = BackupText.orNone(result, "database");
    BackupReport.add(lines, "database", database);
    JsonNode ready = result.get("readyToPromote");
    boolean promotable = passed && ready != null && ready.asBoolean(false);
    BackupReport.add(lines, "ready", promotable ? "yes: ready to promote" : "no: do not promote this database");
    if (promotable) {
      BackupReport.add(lines, "next step", "point DATABASE_URL at database " + database + " (same server, same "
          + "credentials) and restart the services");
    }
    JsonNode promote = BackupText.object(result, "promote");
    if (promote != null) {
      lines.add("promote");
      promote.fields().forEachRemaining(e -> {
        JsonNode v = e.getValue();
        if (v.isArray()) {
          lines.add("  " + e.getKey() + ":");
          v.forEach(item -> lines.add("    " + shown(item)));
        } else {
          lines.add("  " + String.format("%-12s", e.getKey() + ":") + " " + shown(v));
        }
      });
    }
  }

  /** A value of the promote object on one line, any password in it hidden. */
  private static String shown(JsonNode v) {
    return BackupText.redact(BulwarkCli.singleLine(v.isValueNode() ? v.asText() : v.toString()));
  }

  private static String okOrFailed(JsonNode ok) {
    return ok != null && ok.isBoolean() ? (ok.asBoolean() ? "ok" : "failed") : null;
  }

  private static JsonNode first(JsonNode node, String field, String otherwise) {
    JsonNode v = node.get(field);
    if (v != null && !v.isNull()) {
      return v;
    }
    v = node.get(otherwise);
    return v != null && !v.isNull() ? v : null;
  }
}
