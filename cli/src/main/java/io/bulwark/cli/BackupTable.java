package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The text of {@code bulwark backup list}: one row per backup, then what is running and when the last ones ended. */
final class BackupTable {
  private static final String[] HEADERS = {"ID", "STATUS", "FINISHED", "SIZE", "ENCRYPTED", "VERIFICATION",
      "LAST DRILL"};
  /** The size column is right-aligned so magnitudes line up. */
  private static final int SIZE_COLUMN = 3;

  private BackupTable() {}

  /** The lines for a list reply ({@code backups}, {@code running}, {@code lastSuccessAt}, {@code lastFailureAt}). */
  static List<String> render(JsonNode reply, String status) {
    List<String[]> rows = new ArrayList<>();
    JsonNode backups = reply.get("backups");
    if (backups != null && backups.isArray()) {
      for (JsonNode b : backups) {
        rows.add(row(b));
      }
    }
    List<String> lines = new ArrayList<>();
    if (rows.isEmpty()) {
      lines.add("no backups (status " + status + ")");
    } else {
      lines.addAll(table(rows));
    }
    JsonNode running = BackupText.object(reply, "running");
    if (running != null) {
      lines.add("running: " + BackupText.orNone(running, "id") + " since "
          + BackupText.time(BackupText.text(running, "startedAt")) + " (" + BackupText.orNone(running, "trigger") + ")");
    }
    lines.add("last success: " + BackupText.time(BackupText.text(reply, "lastSuccessAt")) + "; last failure: "
        + BackupText.time(BackupText.text(reply, "lastFailureAt")));
    return lines;
  }

  static String[] row(JsonNode b) {
    return new String[] {BackupText.orNone(b, "id"), status(b), BackupText.shortTime(BackupText.text(b, "finishedAt")),
        BackupText.size(b.get("bytes")), BackupText.yesNo(b, "encrypted"), verdict(BackupText.object(b, "verification")),
        verdict(BackupText.object(b, "lastDrill"))};
  }

  /** {@code succeeded}, {@code succeeded (pruned)}, {@code failed (pg_dump-failed)}. */
  static String status(JsonNode b) {
    String status = BackupText.orNone(b, "status");
    JsonNode failure = BackupText.object(b, "failure");
    if (failure != null && BackupText.text(failure, "reason") != null) {
      status += " (" + BackupText.text(failure, "reason") + ")";
    }
    JsonNode pruned = b.get("pruned");
    if (pruned != null && pruned.asBoolean(false)) {
      status += " (pruned)";
    }
    return status;
  }

  /** The verdict of a verification or drill: {@code passed 2026-11-23 03:00Z}, with the reason when it failed. */
  static String verdict(JsonNode v) {
    if (v == null) {
      return BackupText.NONE;
    }
    String line = BackupText.orNone(v, "status") + " " + BackupText.shortTime(BackupText.text(v, "at"));
    String reason = BackupText.text(v, "reason");
    if (reason != null && !"ok".equals(reason) && !"passed".equals(BackupText.text(v, "status"))) {
      line += " (" + reason + ")";
    }
    return line;
  }

  /** Columns as wide as their widest cell, two spaces apart, no trailing blanks. */
  static List<String> table(List<String[]> rows) {
    int[] widths = new int[HEADERS.length];
    for (int c = 0; c < HEADERS.length; c++) {
      widths[c] = HEADERS[c].length();
      for (String[] r : rows) {
        widths[c] = Math.max(widths[c], r[c].length());
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add(line(HEADERS, widths));
    rows.forEach(r -> lines.add(line(r, widths)));
    return lines;
  }

  private static String line(String[] cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      if (c > 0) {
        b.append("  ");
      }
      String pad = " ".repeat(widths[c] - cells[c].length());
      b.append(c == SIZE_COLUMN ? pad + cells[c] : cells[c] + pad);
    }
    return b.toString().stripTrailing();
  }
}
