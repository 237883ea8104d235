package io.bulwark.audit.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Entries of an export bundle as CSV for auditors' spreadsheets (RFC 4180 quoting; details as compact JSON). */
final class CsvExport {
  static final List<String> COLUMNS = List.of("index", "time", "category", "tenant", "actor", "action", "outcome", "target",
      "requestId", "sourceIp", "details", "leafHash");

  private CsvExport() {}

  static String of(JsonObject bundle) {
    StringBuilder out = new StringBuilder(String.join(",", COLUMNS)).append("\r\n");
    JsonArray entries = bundle.getJsonArray("entries");
    for (int i = 0; i < entries.size(); i++) {
      JsonObject item = entries.getJsonObject(i);
      JsonObject e = item.getJsonObject("entry");
      for (int c = 0; c < COLUMNS.size(); c++) {
        String col = COLUMNS.get(c);
        Object v = switch (col) {
          case "leafHash" -> java.util.HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(item.getString("hash")));
          case "details" -> e.getJsonObject("details", new JsonObject()).encode();
          default -> e.getValue(col);
        };
        if (c > 0) {
          out.append(',');
        }
        out.append(quote(v == null ? "" : String.valueOf(v)));
      }
      out.append("\r\n");
    }
    return out.toString();
  }

  /** Quotes when needed; a leading = + - @ is prefixed with ' so spreadsheets do not run it as a formula. */
  static String quote(String s) {
    String safe = !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
    if (safe.indexOf(',') >= 0 || safe.indexOf('"') >= 0 || safe.indexOf('\n') >= 0 || safe.indexOf('\r') >= 0) {
      return '"' + safe.replace("\"", "\"\"") + '"';
    }
    return safe;
  }
}
