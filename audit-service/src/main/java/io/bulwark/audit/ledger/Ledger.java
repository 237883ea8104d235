package io.bulwark.audit.ledger;

import io.bulwark.audit.AuditMetrics;
import io.bulwark.audit.LedgerSettings;
import io.bulwark.ledger.NoteSigner;
import io.bulwark.shared.bus.AppendReply;
import io.bulwark.shared.bus.AppendRequest;
import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.config.DatabaseUrl;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.bulwark.shared.ledgerdb.CheckpointStore;
import io.bulwark.shared.ledgerdb.TreeStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger as this instance sees it: standby, or leader with a writer and a checkpointer. Leadership comes from
 * {@link WriterElection}; everything that may only happen once per ledger (writing, signing, retention) hangs off it.
 */
public final class Ledger {
  private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);
  private final Vertx vertx;
  private final LedgerSettings settings;
  private final NoteSigner signer;
  private final Pool pool;
  private final AuditMetrics metrics;
  private final WriterElection election;
  private final List<LeaderTask> leaderTasks = new CopyOnWriteArrayList<>();
  private volatile LedgerWriter writer;
  private volatile Checkpointer checkpointer;
  private volatile Context writerContext;

  /** Something that runs only while this instance leads (retention, scheduled verification). */
  public interface LeaderTask {
    void lead(Ledger ledger);

    void standBy();
  }

  public Ledger(Vertx vertx, LedgerSettings settings, NoteSigner signer, Pool pool, DatabaseUrl url, AuditMetrics metrics) {
    this.vertx = vertx;
    this.settings = settings;
    this.signer = signer;
    this.pool = pool;
    this.metrics = metrics;
    this.election = new WriterElection(vertx, url, settings.electionInterval().toMillis(), this::lead, this::standBy);
  }

  public void addLeaderTask(LeaderTask task) {
    leaderTasks.add(task);
  }

  public Future<WriterElection.Role> start() {
    return election.start();
  }

  /** Lets queued appends commit, signs a last checkpoint, then releases the writer lock. */
  public Future<Void> stop() {
    LedgerWriter w = writer;
    Future<?> drained = w == null ? Future.succeededFuture()
        : w.drain().timeout(5, java.util.concurrent.TimeUnit.SECONDS).compose(x -> checkpointNow()).otherwiseEmpty();
    return drained.transform(x -> election.stop());
  }

  public WriterElection.Role role() {
    return election.role();
  }

  public NoteSigner signer() {
    return signer;
  }

  public String keyId() {
    return HexFormat.of().formatHex(signer.verifierKey().keyId());
  }

  public Future<AppendReply> append(AppendRequest request) {
    return appendPrepared(List.of(LedgerWriter.Prepared.of(request))).map(list -> list.get(0));
  }

  /** Appends events already checked and canonicalized (on any thread); the writer runs them on its own context. */
  public Future<List<AppendReply>> appendPrepared(List<LedgerWriter.Prepared> requests) {
    LedgerWriter w = writer;
    Context ctx = writerContext;
    if (w == null || ctx == null) {
      return Future.failedFuture(notLeader());
    }
    Promise<List<AppendReply>> done = Promise.promise();
    ctx.runOnContext(v -> w.appendAll(requests).onComplete(done));
    return done.future();
  }

  /** Records something the ledger itself did as a {@code system} entry. */
  public Future<AppendReply> recordSystem(String action, String outcome, String target, JsonObject details) {
    AuditEvent event = new AuditEvent("system", null, "audit-service", action, outcome, target, null, null, details);
    return append(new AppendRequest("system:" + action + ":" + UUID.randomUUID(), event));
  }

  /** Signs a checkpoint now if the tree grew (tests and shutdown use it); the size of the latest checkpoint. */
  public Future<Long> checkpointNow() {
    Checkpointer c = checkpointer;
    return c == null ? Future.failedFuture(notLeader()) : c.checkpoint();
  }

  /** Committed tree size as the writer sees it, or -1 on a standby. */
  public long committedSize() {
    LedgerWriter w = writer;
    return w == null ? -1 : w.committed().size();
  }

  private static ApiException notLeader() {
    return new ApiException(503, ErrorCodes.AUDIT_STANDBY, "this audit-service instance is standing by; the ledger writer is elsewhere");
  }

  private Future<Void> lead(SqlConnection conn) {
    CheckpointStore checkpoints = new CheckpointStore(pool);
    return Future.all(new TreeStore(conn).loadState(), checkpoints.latest(),
            conn.query("SELECT max(entry_time) FROM audit.entries").execute())
        .compose(all -> {
          io.bulwark.shared.ledgerdb.TreeState state = all.resultAt(0);
          java.util.Optional<CheckpointStore.StoredCheckpoint> latest = all.resultAt(1);
          io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row> maxTime = all.resultAt(2);
          java.time.OffsetDateTime last = maxTime.iterator().next().getOffsetDateTime(0);
          LedgerWriter w = new LedgerWriter(conn, state, settings.maxBatch(), metrics, election::abdicate);
          if (last != null) {
            w.notBefore(last.toInstant());
          }
          latest.ifPresent(cp -> metrics.lastCheckpoint(cp.size()));
          Checkpointer c = new Checkpointer(vertx, w::committed, signer, settings.origin(), checkpoints, metrics,
              latest.map(CheckpointStore.StoredCheckpoint::size).orElse(0L));
          writerContext = vertx.getOrCreateContext();
          writer = w;
          checkpointer = c;
          metrics.leader(true);
          LOG.info("ledger writer ready at tree size {}", state.size());
          return registerKey(checkpoints).map(x -> {
            c.start(settings.checkpointInterval().toMillis());
            leaderTasks.forEach(t -> t.lead(this));
            return (Void) null;
          });
        });
  }

  private Future<Void> registerKey(CheckpointStore checkpoints) {
    String vkey = signer.verifierKey().encode();
    return checkpoints.registerKey(keyId(), signer.name(), vkey).compose(isNew -> !isNew ? Future.succeededFuture()
        : recordSystem("audit.signing_key.registered", "success", keyId(),
            new JsonObject().put("keyId", keyId()).put("vkey", vkey)).mapEmpty());
  }

  private void standBy(Throwable why) {
    leaderTasks.forEach(LeaderTask::standBy);
    Checkpointer c = checkpointer;
    if (c != null) {
      c.stop();
    }
    LedgerWriter w = writer;
    if (w != null) {
      w.close(why);
    }
    writer = null;
    checkpointer = null;
    metrics.leader(false);
  }
}
