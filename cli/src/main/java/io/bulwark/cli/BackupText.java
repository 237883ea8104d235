package io.bulwark.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** How backup facts read in a terminal: binary sizes, UTC times, short durations, and a dash for what is absent. */
final class BackupText {
  static final String NONE = "-";
  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  private static final DateTimeFormatter FULL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'")
      .withZone(ZoneOffset.UTC);

  private BackupText() {}

  /** {@code 512 B}, {@code 1.5 KiB}, {@code 3.2 GiB}; a dash for a missing or negative size. */
  static String size(JsonNode bytes) {
    return bytes != null && bytes.isIntegralNumber() && bytes.asLong() >= 0 ? size(bytes.asLong()) : NONE;
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
  }

  /** An ISO-8601 instant as {@code 2026-11-23 02:15:00Z}; text that is not one is shown as it came. */
  static String time(String iso) {
    return format(iso, FULL);
  }

  /** The same to the minute, for table cells. */
  static String shortTime(String iso) {
    return format(iso, SHORT);
  }

  private static String format(String iso, DateTimeFormatter formatter) {
    if (iso == null || iso.isBlank()) {
      return NONE;
    }
    try {
      return formatter.format(Instant.parse(iso));
    } catch (DateTimeParseException e) {
      try {
        return formatter.format(OffsetDateTime.parse(iso).toInstant());
      } catch (DateTimeParseException again) {
        return BulwarkCli.singleLine(iso);
      }
    }
  }

  /** {@code 850 ms}, {@code 12.3 s}, {@code 4m 05s}, {@code 1h 02m}. */
  static String duration(long millis) {
    if (millis < 1000) {
      return Math.max(0, millis) + " ms";
    }
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    long seconds = millis / 1000;
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%dm %02ds", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%dh %02dm", seconds / 3600, (seconds % 3600) / 60);
  }

  /** A time limit the way the operator writes it: {@code 30m}, {@code 90s}, {@code 2h}, {@code 1500ms}. */
  static String limit(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  /** The field as text when it is a string, number or boolean; null when absent or null or a structure. */
  static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v != null && v.isValueNode() && !v.isNull() ? BulwarkCli.singleLine(v.asText()) : null;
  }

  /** The field as text, or a dash. */
  static String orNone(JsonNode node, String field) {
    String t = text(node, field);
    return t == null || t.isEmpty() ? NONE : t;
  }

  /** The field if it is a JSON object, else null. */
  static JsonNode object(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v != null && v.isObject() ? v : null;
  }

  /** yes / no for a boolean field, a dash when it is absent. */
  static String yesNo(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v != null && v.isBoolean() ? (v.asBoolean() ? "yes" : "no") : NONE;
  }

  /** A duration field in milliseconds, or null. */
  static String millis(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v != null && v.isNumber() ? duration(v.asLong()) : null;
  }

  /**
   * {@code text} with any password in it hidden: the user-info password of a URL and {@code password=...} pairs. What
   * backup-service prints about a restored database is shown to the operator as is, except for these.
   */
  static String redact(String text) {
    if (text == null) {
      return null;
    }
    return text.replaceAll("(://[^:/@\\s]+:)[^@/\\s]+@", "$1***@")
        .replaceAll("(?i)(password=)[^&\\s]+", "$1***");
  }
}
