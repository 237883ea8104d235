package io.bulwark.backup;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * What a manifest records about a database, read the same way from the live database (inside the dump's snapshot) and
 * from a restored copy, so the two can be compared field by field: migration heads, ledger state, row counts.
 */
public final class DatabaseFacts {
  private DatabaseFacts() {}

  /** {@code {"audit": "V2", ...}} for each service schema that has a Flyway history. */
  public static Future<JsonObject> heads(SqlClient sql, List<String> schemas) {
    return sql.preparedQuery("SELECT table_schema FROM information_schema.tables WHERE table_name = 'flyway_schema_history'"
            + " AND table_schema = ANY($1) ORDER BY table_schema")
        .execute(Tuple.of((Object) schemas.toArray(String[]::new))).compose(rs -> {
          List<String> present = new ArrayList<>();
          rs.forEach(r -> present.add(r.getString(0)));
          JsonObject heads = new JsonObject();
          Future<Void> chain = Future.succeededFuture();
          for (String schema : present) {
            // the name comes from the fixed list above, never from input
            chain = chain.compose(x -> sql.query("SELECT version FROM " + quote(schema) + ".flyway_schema_history"
                    + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1").execute()
                .map(v -> {
                  heads.put(schema, v.size() == 0 ? "none" : "V" + v.iterator().next().getString(0));
                  return null;
                }));
          }
          return chain.map(x -> heads);
        });
  }

  /** Exact row counts of every table in the service schemas, as {@code "schema.table": n}. */
  public static Future<JsonObject> rowCounts(SqlClient sql, List<String> schemas) {
    return sql.preparedQuery("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY($1) ORDER BY 1, 2")
        .execute(Tuple.of((Object) schemas.toArray(String[]::new))).compose(rs -> {
          List<String> tables = new ArrayList<>();
          rs.forEach(r -> tables.add(quote(r.getString(0)) + "." + quote(r.getString(1))));
          if (tables.isEmpty()) {
            return Future.succeededFuture(new JsonObject());
          }
          StringBuilder q = new StringBuilder();
          for (int i = 0; i < tables.size(); i++) {
            q.append(i == 0 ? "" : " UNION ALL ").append("SELECT ").append(i).append(", count(*) FROM ").append(tables.get(i));
          }
          return sql.query(q.toString()).execute().map(counts -> {
            JsonObject out = new JsonObject();
            List<String> plain = new ArrayList<>();
            rs.forEach(r -> plain.add(r.getString(0) + "." + r.getString(1)));
            for (Row r : counts) {
              out.put(plain.get(r.getInteger(0)), r.getLong(1));
            }
            return out;
          });
        });
  }

  /**
   * The ledger's state: size, pruned-below index, latest signed checkpoint and the verifier keys of its signing
   * identities; {@code null} when the database holds no ledger.
   */
  public static Future<JsonObject> ledger(SqlClient sql) {
    return sql.query("SELECT to_regclass('audit.entries') IS NOT NULL AND to_regclass('audit.checkpoints') IS NOT NULL"
        + " AND to_regclass('audit.signing_keys') IS NOT NULL AND to_regclass('audit.retention_log') IS NOT NULL").execute()
        .compose(rs -> {
          if (!rs.iterator().next().getBoolean(0)) {
            return Future.succeededFuture(null);
          }
          return sql.query("SELECT (SELECT coalesce(max(idx) + 1, 0) FROM audit.entries),"
                  + " (SELECT coalesce(max(min_index), 0) FROM audit.retention_log WHERE kind = 'pruned'),"
                  + " (SELECT tree_size FROM audit.checkpoints ORDER BY tree_size DESC LIMIT 1),"
                  + " (SELECT note FROM audit.checkpoints ORDER BY tree_size DESC LIMIT 1),"
                  + " (SELECT coalesce(array_agg(vkey ORDER BY valid_from, key_id), '{}') FROM audit.signing_keys)")
              .execute().map(r -> {
                Row row = r.iterator().next();
                JsonArray keys = new JsonArray();
                for (String k : row.getArrayOfStrings(4)) {
                  keys.add(k);
                }
                Long cpSize = row.getLong(2);
                return new JsonObject().put("size", row.getLong(0)).put("prunedBelow", row.getLong(1))
                    .put("checkpoint", cpSize == null ? null : new JsonObject().put("size", cpSize).put("note", row.getString(3)))
                    .put("verifierKeys", keys);
              });
        });
  }

  /** The server's version text and major number. */
  public static Future<JsonObject> server(SqlClient sql) {
    return sql.query("SELECT current_database(), current_setting('server_version'), current_setting('server_version_num')::int")
        .execute().map(rs -> {
          Row r = rs.iterator().next();
          String version = r.getString(1);
          int space = version.indexOf(' ');
          return new JsonObject().put("name", r.getString(0)).put("serverVersion", space < 0 ? version : version.substring(0, space))
              .put("serverMajor", r.getInteger(2) / 10_000);
        });
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}
