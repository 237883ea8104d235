package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The text of a finished verify, drill or restore: the verdict, then what backup-service reports in {@code result}:
 * each step ({@code step}, {@code ms} and its facts), the ledger verdict of the {@code ledger} step, the row counts
 * of the {@code row-counts} step and, for a restore, the {@code promote} object. A field that is absent is left out
 * (the service may add steps and facts); {@code --json} shows everything.
 */
final class CheckReport {
  /** Fields every step has, or that a step's own line already says. */
  private static final Set<String> STEP_FIELDS = Set.of("step", "ms");

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
    JsonNode steps = result == null ? null : result.get("steps");
    List<JsonNode> list = new ArrayList<>();
    if (steps != null && steps.isArray()) {
      steps.forEach(list::add);
    }
    steps(lines, list);
    ledger(lines, find(list, "ledger"));
    rows(lines, find(list, "row-counts"));
    if ("restore".equals(kind)) {
      restore(lines, check, BackupText.object(result, "promote"), find(list, "drop"));
    }
    return lines;
  }

  /** One line per step: its name, how long it took, and what it found. */
  private static void steps(List<String> lines, List<JsonNode> steps) {
    if (steps.isEmpty()) {
      return;
    }
    lines.add("steps");
    int width = steps.stream().mapToInt(s -> BackupText.orNone(s, "step").length()).max().orElse(0);
    for (JsonNode s : steps) {
      String took = BackupText.millis(s, "ms");
      lines.add(("  " + String.format("%-" + width + "s  %9s  %s", BackupText.orNone(s, "step"),
          took != null ? took : BackupText.NONE, BackupText.redact(facts(s)))).stripTrailing());
    }
  }

  /** What a step found, in the words of its kind; an unknown step's plain fields as {@code name value}. */
  private static String facts(JsonNode s) {
    String name = BackupText.orNone(s, "step");
    return BulwarkCli.singleLine(switch (name) {
      case "manifest" -> "sha256 " + BackupText.orNone(s, "sha256");
      case "restore" -> BackupText.orNone(s, "into") + ": " + BackupText.size(s.get("storedBytes")) + " stored, "
          + BackupText.size(s.get("dumpBytes")) + " restored, sha256 " + BackupText.orNone(s, "sha256");
      case "migration-heads" -> heads(BackupText.object(s, "expected"), BackupText.object(s, "actual"));
      case "ledger" -> BackupText.text(s, "skipped") != null ? "skipped"
          : s.path("verification").path("verified").asBoolean(false) ? "verified"
          : "NOT verified (" + BackupText.orNone(s.path("verification"), "reason") + ")";
      case "row-counts" -> BackupText.orNone(s, "rows") + " rows in " + BackupText.orNone(s, "tables") + " tables, "
          + (mismatched(s).isEmpty() ? "all as the manifest recorded" : mismatched(s).size() + " table(s) differ");
      case "drop" -> (s.path("dropped").asBoolean(false) ? "dropped " : "could NOT drop ")
          + BackupText.orNone(s, "database");
      default -> other(s);
    });
  }

  private static String heads(JsonNode expected, JsonNode actual) {
    String restored = BackupReport.pairs(actual, " ");
    if (expected != null && expected.equals(actual)) {
      return "as recorded: " + restored;
    }
    return restored + " (manifest " + BackupReport.pairs(expected, " ") + ") MISMATCH";
  }

  private static String other(JsonNode s) {
    List<String> parts = new ArrayList<>();
    s.fields().forEachRemaining(e -> {
      if (!STEP_FIELDS.contains(e.getKey()) && e.getValue().isValueNode() && !e.getValue().isNull()) {
        parts.add(e.getKey() + " " + e.getValue().asText());
      }
    });
    return String.join(", ", parts);
  }

  /**
   * The ledger step's verdict: {@code verified (ok): entries 300, checkpoints 3, checkpoint size 300}, or {@code NOT
   * verified (entry-changed) at index 17: ...; detail}, or {@code not checked: why} when the step was skipped.
   */
  private static String ledgerVerdict(JsonNode step) {
    String skipped = BackupText.text(step, "skipped");
    if (skipped != null) {
      return "not checked: " + skipped;
    }
    JsonNode v = BackupText.object(step, "verification");
    if (v == null) {
      return BackupText.NONE;
    }
    boolean verified = v.path("verified").asBoolean(false);
    String reason = BackupText.text(v, "reason");
    String index = BackupText.text(v, "index");
    String text = (verified ? "verified" : "NOT verified") + (reason != null ? " (" + reason + ")" : "");
    if (index != null) {
      text += " at index " + index;
    }
    List<String> counts = new ArrayList<>();
    if (BackupText.text(v, "entries") != null) {
      counts.add("entries " + BackupText.text(v, "entries"));
    }
    if (BackupText.text(v, "checkpoints") != null) {
      counts.add("checkpoints " + BackupText.text(v, "checkpoints"));
    }
    if (BackupText.text(step, "checkpointSize") != null) {
      counts.add("checkpoint size " + BackupText.text(step, "checkpointSize"));
    }
    if (!counts.isEmpty()) {
      text += ": " + String.join(", ", counts);
    }
    String detail = BackupText.text(v, "detail");
    return detail != null && !detail.isEmpty() ? text + "; " + detail : text;
  }

  private static void ledger(List<String> lines, JsonNode step) {
    if (step != null) {
      BackupReport.add(lines, "ledger", BulwarkCli.singleLine(ledgerVerdict(step)));
    }
  }

  /** The totals of the row-counts step, then each table whose count differs from the manifest's. */
  private static void rows(List<String> lines, JsonNode step) {
    if (step == null) {
      return;
    }
    List<String> differ = mismatched(step);
    String totals = BackupText.orNone(step, "rows") + " in " + BackupText.orNone(step, "tables") + " table(s)";
    BackupReport.add(lines, "rows", differ.isEmpty() ? totals + ", all as the manifest recorded"
        : totals + "; " + differ.size() + " differ from the manifest:");
    differ.forEach(t -> lines.add("  " + BulwarkCli.singleLine(t)));
  }

  private static List<String> mismatched(JsonNode step) {
    List<String> out = new ArrayList<>();
    JsonNode m = step.get("mismatched");
    if (m != null && m.isArray()) {
      m.forEach(t -> out.add(t.asText()));
    }
    return out;
  }

  /** Where the restore went, whether it can be promoted, and what promoting it takes. */
  private static void restore(List<String> lines, JsonNode check, JsonNode promote, JsonNode drop) {
    String database = promote != null ? BackupText.orNone(promote, "database") : BackupText.orNone(check, "database");
    boolean dropped = drop != null && drop.path("dropped").asBoolean(false);
    BackupReport.add(lines, "database", database + (dropped ? " (dropped)" : ""));
    String url = BackupText.text(promote, "databaseUrl");
    if (url != null) {
      BackupReport.add(lines, "database url", BackupText.redact(url));
    }
    if (promote != null && BackupText.object(promote, "restoredHeads") != null) {
      BackupReport.add(lines, "heads", "restored " + BackupReport.pairs(BackupText.object(promote, "restoredHeads"), " ")
          + "; live " + BackupReport.pairs(BackupText.object(promote, "liveHeads"), " "));
    }
    boolean ready = "passed".equals(BackupText.text(check, "status")) && promote != null
        && promote.path("readyToPromote").asBoolean(false);
    BackupReport.add(lines, "ready", ready ? "yes: ready to promote" : "no: do not promote this database");
    if (!ready) {
      return;
    }
    BackupReport.add(lines, "next step", "point DATABASE_URL at " + (url != null ? BackupText.redact(url) : database)
        + " (with its password) and restart the services, as below");
    JsonNode steps = promote.get("steps");
    if (steps != null && steps.isArray() && !steps.isEmpty()) {
      lines.add("promote");
      int n = 0;
      for (JsonNode s : steps) {
        lines.add("  " + ++n + ". " + BackupText.redact(BulwarkCli.singleLine(s.isValueNode() ? s.asText() : s.toString())));
      }
    }
  }

  private static JsonNode find(List<JsonNode> steps, String name) {
    for (JsonNode s : steps) {
      if (name.equals(BackupText.text(s, "step"))) {
        return s;
      }
    }
    return null;
  }
}
