package io.bulwark.shared.ledgerdb;

import io.bulwark.ledger.MerkleHash;
import io.bulwark.shared.bus.EntryReply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads of {@code audit.entries}; writes belong to the ledger writer alone. */
public final class EntryStore {
  private final SqlClient sql;

  /** One stored entry: exact bytes and the leaf hash recorded with them. */
  public record StoredEntry(long index, byte[] entry, byte[] leafHash, OffsetDateTime time) {}

  /** Search filters; null means any. {@code before} is the keyset cursor (exclusive). */
  public record Search(String tenant, OffsetDateTime from, OffsetDateTime to, String action, String actor, String outcome,
                       String requestId, String category, Long before, int limit) {}

  public EntryStore(SqlClient sql) {
    this.sql = sql;
  }

  public Future<Optional<EntryReply>> find(long index) {
    return sql.preparedQuery("SELECT idx, entry, leaf_hash, recorded_at FROM audit.entries WHERE idx = $1")
        .execute(Tuple.of(index))
        .map(rs -> {
          for (Row r : rs) {
            return Optional.of(new EntryReply(r.getLong(0), text(r.getBuffer(1).getBytes()),
                MerkleHash.hex(r.getBuffer(2).getBytes()), r.getOffsetDateTime(3).toInstant().toString()));
          }
          return Optional.empty();
        });
  }

  /** Entries with index in [from, to), ascending, optionally only one tenant's, at most {@code limit}. */
  public Future<List<StoredEntry>> range(long from, long to, String tenant, int limit) {
    String query = "SELECT idx, entry, leaf_hash, entry_time FROM audit.entries WHERE idx >= $1 AND idx < $2"
        + (tenant == null ? "" : " AND tenant = $4") + " ORDER BY idx LIMIT $3";
    Tuple args = tenant == null ? Tuple.of(from, to, limit) : Tuple.of(from, to, limit, tenant);
    return sql.preparedQuery(query).execute(args).map(rs -> {
      List<StoredEntry> out = new ArrayList<>(rs.size());
      for (Row r : rs) {
        out.add(new StoredEntry(r.getLong(0), r.getBuffer(1).getBytes(), r.getBuffer(2).getBytes(), r.getOffsetDateTime(3)));
      }
      return out;
    });
  }

  /** One tenant's newest {@code limit} entries with index in [from, to), returned ascending. */
  public Future<List<StoredEntry>> newest(long from, long to, String tenant, int limit) {
    return sql.preparedQuery("SELECT idx, entry, leaf_hash, entry_time FROM audit.entries WHERE idx >= $1 AND idx < $2"
            + " AND tenant = $4 ORDER BY idx DESC LIMIT $3").execute(Tuple.of(from, to, limit, tenant)).map(rs -> {
          List<StoredEntry> out = new ArrayList<>(rs.size());
          for (Row r : rs) {
            out.add(new StoredEntry(r.getLong(0), r.getBuffer(1).getBytes(), r.getBuffer(2).getBytes(), r.getOffsetDateTime(3)));
          }
          java.util.Collections.reverse(out);
          return out;
        });
  }

  /** Newest first, keyset-paged on the index. */
  public Future<List<JsonObject>> search(Search s) {
    List<Object> args = new ArrayList<>();
    StringBuilder where = new StringBuilder(" WHERE true");
    filter(where, args, "tenant", s.tenant());
    filter(where, args, "action", s.action());
    filter(where, args, "actor", s.actor());
    filter(where, args, "outcome", s.outcome());
    filter(where, args, "request_id", s.requestId());
    filter(where, args, "category", s.category());
    // Entry times never decrease along the index, so a time range is first turned into an index range: the search
    // then walks (tenant, idx) or (actor, idx) instead of filtering every row of the tenant by time.
    if (s.from() != null) {
      args.add(s.from());
      where.append(" AND entry_time >= $").append(args.size()).append(" AND idx >= ").append(firstAtOrAfter(args.size()));
    }
    if (s.to() != null) {
      args.add(s.to());
      where.append(" AND entry_time < $").append(args.size()).append(" AND idx < ").append(firstAtOrAfter(args.size()));
    }
    if (s.before() != null) {
      args.add(s.before());
      where.append(" AND idx < $").append(args.size());
    }
    args.add(s.limit());
    String query = "SELECT idx, entry FROM audit.entries" + where + " ORDER BY idx DESC LIMIT $" + args.size();
    return sql.preparedQuery(query).execute(Tuple.tuple(args)).map(rs -> {
      List<JsonObject> out = new ArrayList<>(rs.size());
      for (Row r : rs) {
        out.add(new JsonObject(text(r.getBuffer(1).getBytes())));
      }
      return out;
    });
  }

  /** The index of the first entry at or after time parameter {@code $n}: one step down the (entry_time, idx) index. */
  private static String firstAtOrAfter(int n) {
    return "coalesce((SELECT idx FROM audit.entries WHERE entry_time >= $" + n + " ORDER BY entry_time, idx LIMIT 1), "
        + Long.MAX_VALUE + ")";
  }

  /** An entry's bytes are canonical JSON in UTF-8. */
  private static String text(byte[] entry) {
    return new String(entry, StandardCharsets.UTF_8);
  }

  private static void filter(StringBuilder where, List<Object> args, String column, String value) {
    if (value != null) {
      args.add(value);
      where.append(" AND ").append(column).append(" = $").append(args.size());
    }
  }

  /** The minimum index the retention path has moved the ledger to (0 when nothing was pruned). */
  public Future<Long> prunedBelow() {
    return sql.query("SELECT coalesce(max(min_index), 0) FROM audit.retention_log WHERE kind = 'pruned'").execute()
        .map(rs -> rs.iterator().next().getLong(0));
  }
}
