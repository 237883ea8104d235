package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The text of {@code bulwark backup show} and of a finished run: the summary, manifest highlights and the checks. */
final class BackupReport {
  private static final String LABEL = "%-14s%s";

  private BackupReport() {}

  /** A get reply ({@code backup}, {@code manifest}, {@code checks}) in full. */
  static List<String> show(JsonNode reply) {
    List<String> lines = new ArrayList<>(summary(BackupText.object(reply, "backup")));
    lines.addAll(manifest(BackupText.object(reply, "manifest")));
    lines.addAll(checks(reply.get("checks")));
    return lines;
  }

  /** The backup summary, one fact per line. */
  static List<String> summary(JsonNode b) {
    List<String> lines = new ArrayList<>();
    if (b == null) {
      return lines;
    }
    add(lines, "backup", BackupText.orNone(b, "id"));
    add(lines, "status", BackupTable.status(b));
    String actor = BackupText.text(b, "actor");
    add(lines, "trigger", BackupText.orNone(b, "trigger") + (actor != null ? " by " + actor : ""));
    add(lines, "started", BackupText.time(BackupText.text(b, "startedAt")));
    String took = BackupText.millis(b, "durationMs");
    add(lines, "finished", BackupText.time(BackupText.text(b, "finishedAt"))
        + (took != null && BackupText.text(b, "finishedAt") != null ? " (took " + took + ")" : ""));
    JsonNode bytes = b.get("bytes");
    add(lines, "size", BackupText.size(bytes) + (bytes != null && bytes.asLong() >= 1024 ? " (" + bytes.asLong()
        + " bytes)" : ""));
    add(lines, "sha256", BackupText.orNone(b, "sha256"));
    String keyId = BackupText.text(b, "keyId");
    add(lines, "encrypted", BackupText.yesNo(b, "encrypted") + (keyId != null ? " (key " + keyId + ")" : ""));
    JsonNode failure = BackupText.object(b, "failure");
    if (failure != null) {
      add(lines, "failure", failure(failure));
    }
    add(lines, "verification", detailedVerdict(BackupText.object(b, "verification")));
    add(lines, "last drill", detailedVerdict(BackupText.object(b, "lastDrill")));
    String requestId = BackupText.text(b, "requestId");
    if (requestId != null) {
      add(lines, "request id", requestId);
    }
    return lines;
  }

  /** {@code reason: detail}, the way a failed run or check explains itself. */
  static String failure(JsonNode f) {
    String reason = BackupText.orNone(f, "reason");
    String detail = BackupText.text(f, "detail");
    return detail == null || detail.isEmpty() ? reason : reason + ": " + detail;
  }

  private static String detailedVerdict(JsonNode v) {
    if (v == null) {
      return BackupText.NONE;
    }
    return BackupText.orNone(v, "status") + " at " + BackupText.time(BackupText.text(v, "at")) + " ("
        + BackupText.orNone(v, "reason") + ", check " + BackupText.orNone(v, "checkId") + ")";
  }

  /** What the manifest says about the dump: database, migration heads, ledger, row totals, file, encryption. */
  static List<String> manifest(JsonNode m) {
    List<String> lines = new ArrayList<>();
    if (m == null) {
      lines.add(String.format(LABEL, "manifest", BackupText.NONE));
      return lines;
    }
    lines.add("manifest (" + BackupText.orNone(m, "format") + ")");
    JsonNode db = BackupText.object(m, "database");
    JsonNode pgDump = BackupText.object(m, "pgDump");
    if (db != null) {
      indent(lines, "database", BackupText.orNone(db, "name") + " on PostgreSQL " + BackupText.orNone(db, "serverVersion")
          + (pgDump != null ? ", pg_dump " + BackupText.orNone(pgDump, "version") : ""));
    }
    indent(lines, "heads", pairs(BackupText.object(m, "migrationHeads"), " "));
    JsonNode ledger = BackupText.object(m, "ledger");
    if (ledger != null) {
      JsonNode checkpoint = BackupText.object(ledger, "checkpoint");
      String text = "size " + BackupText.orNone(ledger, "size") + ", checkpoint size "
          + (checkpoint != null ? BackupText.orNone(checkpoint, "size") : "none");
      String prunedBelow = BackupText.text(ledger, "prunedBelow");
      if (prunedBelow != null && !"0".equals(prunedBelow)) {
        text += ", pruned below " + prunedBelow;
      }
      JsonNode keys = ledger.get("verifierKeys");
      if (keys != null && keys.isArray()) {
        text += ", " + keys.size() + " verifier key(s)";
      }
      indent(lines, "ledger", text);
    }
    JsonNode rows = BackupText.object(m, "rowCounts");
    if (rows != null) {
      long total = 0;
      for (Iterator<JsonNode> it = rows.elements(); it.hasNext(); ) {
        total += it.next().asLong(0);
      }
      indent(lines, "rows", total + " in " + rows.size() + " table(s)");
    }
    JsonNode file = BackupText.object(m, "file");
    if (file != null) {
      indent(lines, "file", BackupText.orNone(file, "name") + ", " + BackupText.size(file.get("bytes")));
      indent(lines, "sha256", BackupText.orNone(file, "sha256"));
    }
    JsonNode enc = BackupText.object(m, "encryption");
    indent(lines, "encryption", enc == null ? "none" : BackupText.orNone(enc, "algorithm") + ", key "
        + BackupText.orNone(enc, "keyId"));
    return lines;
  }

  /** One line per check, newest first as the gateway lists them. */
  static List<String> checks(JsonNode checks) {
    List<String> lines = new ArrayList<>();
    if (checks == null || !checks.isArray() || checks.isEmpty()) {
      lines.add(String.format(LABEL, "checks", "none"));
      return lines;
    }
    lines.add("checks");
    for (JsonNode c : checks) {
      String took = BackupText.millis(c, "durationMs");
      String line = "  " + BackupText.orNone(c, "id") + "  " + String.format("%-7s", BackupText.orNone(c, "kind"))
          + "  " + String.format("%-7s", BackupText.orNone(c, "status")) + "  "
          + BackupText.time(BackupText.text(c, "startedAt")) + "  " + (took != null ? took : BackupText.NONE);
      if (!"running".equals(BackupText.text(c, "status"))) {
        line += "  " + failure(c);
      }
      lines.add(line.stripTrailing());
    }
    return lines;
  }

  /** {@code k1 v1, k2 v2} sorted by key, for small maps such as the migration heads. */
  static String pairs(JsonNode object, String separator) {
    if (object == null || object.isEmpty()) {
      return BackupText.NONE;
    }
    Map<String, String> sorted = new TreeMap<>();
    object.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText()
        : e.getValue().toString()));
    List<String> parts = new ArrayList<>();
    sorted.forEach((k, v) -> parts.add(k + separator + v));
    return BulwarkCli.singleLine(String.join(", ", parts));
  }

  static void add(List<String> lines, String label, String value) {
    lines.add(String.format(LABEL, label, value).stripTrailing());
  }

  private static void indent(List<String> lines, String label, String value) {
    lines.add(("  " + String.format("%-12s", label) + value).stripTrailing());
  }
}
