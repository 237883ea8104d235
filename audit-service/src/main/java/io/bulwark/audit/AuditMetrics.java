package io.bulwark.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The ledger's meters; names are constants with the {@code bulwark_audit_} prefix. */
public final class AuditMetrics {
  public static final String APPENDED = "bulwark_audit_appended_entries";
  public static final String DUPLICATES = "bulwark_audit_duplicate_appends";
  public static final String APPEND_LATENCY = "bulwark_audit_append_duration";
  public static final String APPEND_FAILURES = "bulwark_audit_append_failures";
  public static final String BATCH_SIZE = "bulwark_audit_batch_size";
  public static final String TREE_SIZE = "bulwark_audit_tree_size";
  public static final String CHECKPOINT_AGE = "bulwark_audit_checkpoint_age_seconds";
  public static final String CHECKPOINTS = "bulwark_audit_checkpoints_signed";
  public static final String VERIFICATIONS = "bulwark_audit_verifications";
  public static final String VERIFICATION_FAILURES = "bulwark_audit_verification_failures";
  public static final String SIGNING_FAILURES = "bulwark_audit_signing_failures";
  public static final String ARCHIVED = "bulwark_audit_retention_archived_entries";
  public static final String PRUNED = "bulwark_audit_retention_pruned_entries";
  public static final String SEGMENTS_DELETED = "bulwark_audit_retention_deleted_segments";
  public static final String LEADER = "bulwark_audit_writer_leader";

  private final Counter appended;
  private final Counter duplicates;
  private final Timer latency;
  private final Counter appendFailures;
  private final DistributionSummary batchSize;
  private final AtomicLong treeSize = new AtomicLong();
  private final AtomicLong lastCheckpointSize = new AtomicLong();
  private final AtomicLong uncoveredSince = new AtomicLong();
  private final AtomicLong leader = new AtomicLong();
  private final Counter checkpoints;
  private final Counter verifications;
  private final Counter verificationFailures;
  private final Counter signingFailures;
  private final Counter archived;
  private final Counter pruned;
  private final Counter segmentsDeleted;

  public AuditMetrics(MeterRegistry registry) {
    appended = Counter.builder(APPENDED).description("Entries committed to the ledger").register(registry);
    duplicates = Counter.builder(DUPLICATES).description("Appends answered with an existing entry (retried idempotency id)").register(registry);
    latency = Timer.builder(APPEND_LATENCY).description("From receiving an append to its commit")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
        .register(registry);
    appendFailures = Counter.builder(APPEND_FAILURES).description("Appends that could not be committed").register(registry);
    batchSize = DistributionSummary.builder(BATCH_SIZE).description("Appends per ledger transaction")
        .serviceLevelObjectives(1, 10, 100, 500, 1000, 5000).register(registry);
    Gauge.builder(TREE_SIZE, treeSize, AtomicLong::get).description("Entries in the ledger (tree size)").register(registry);
    // how long the oldest entry not yet in a signed checkpoint has waited: 0 when every entry is covered, so an idle
    // ledger (which signs nothing, by design) does not look stale, and a stuck signer shows at once
    Gauge.builder(CHECKPOINT_AGE, uncoveredSince, t -> t.get() == 0 ? 0 : (System.currentTimeMillis() - t.get()) / 1000.0)
        .description("Seconds the oldest entry not yet in a signed checkpoint has waited (0 when all are covered)")
        .register(registry);
    Gauge.builder(LEADER, leader, AtomicLong::get).description("1 when this instance is the ledger writer").register(registry);
    checkpoints = Counter.builder(CHECKPOINTS).description("Checkpoints signed and stored").register(registry);
    verifications = Counter.builder(VERIFICATIONS).description("Full ledger verifications run").register(registry);
    verificationFailures = Counter.builder(VERIFICATION_FAILURES).description("Ledger verifications that found a problem").register(registry);
    signingFailures = Counter.builder(SIGNING_FAILURES).description("Checkpoints that could not be signed or stored").register(registry);
    archived = Counter.builder(ARCHIVED).description("Entries written to verified archive segments").register(registry);
    pruned = Counter.builder(PRUNED).description("Archived entries removed from the hot ledger").register(registry);
    segmentsDeleted = Counter.builder(SEGMENTS_DELETED).description("Archive segments deleted past archive retention").register(registry);
  }

  public void appended(long nanos, boolean duplicate) {
    latency.record(nanos, TimeUnit.NANOSECONDS);
    (duplicate ? duplicates : appended).increment();
  }

  public void appendFailed(int n) { appendFailures.increment(n); }
  public void batch(int n) { batchSize.record(n); }
  public void treeSize(long n) {
    treeSize.set(n);
    if (n > lastCheckpointSize.get()) {
      uncoveredSince.compareAndSet(0, System.currentTimeMillis());
    }
  }
  public void checkpointSigned(long size) {
    checkpoints.increment();
    lastCheckpoint(size);
  }

  public void lastCheckpoint(long size) {
    lastCheckpointSize.set(size);
    // entries appended after this checkpoint started waiting no later than now
    uncoveredSince.set(treeSize.get() > size ? System.currentTimeMillis() : 0);
  }
  public void signingFailed() { signingFailures.increment(); }
  public void verified(boolean ok) { verifications.increment(); if (!ok) { verificationFailures.increment(); } }
  public void archived(long n) { archived.increment(n); }
  public void pruned(long n) { pruned.increment(n); }
  public void segmentDeleted() { segmentsDeleted.increment(); }
  public void leader(boolean isLeader) { leader.set(isLeader ? 1 : 0); }
}
