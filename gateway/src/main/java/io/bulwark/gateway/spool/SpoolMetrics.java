package io.bulwark.gateway.spool;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.DoubleSupplier;

/** The spool's meters; label values come from {@link DropReason} and {@link DeliveryPath} only, so cardinality is fixed. */
public final class SpoolMetrics {
  /** Gauge, tag {@code tier} = memory | database: events waiting. */
  public static final String DEPTH = "bulwark.gateway.audit.spool.depth";
  /** Counter, tag {@code reason}: events given up on ({@code bulwark_gateway_audit_spool_dropped_total}). */
  public static final String DROPPED = "bulwark.gateway.audit.spool.dropped";
  /** Counter: events written to the table because audit-service could not take them. */
  public static final String SPOOLED = "bulwark.gateway.audit.spool.spooled";
  /** Counter, tag {@code path} = direct | spool: events the ledger acknowledged. */
  public static final String DELIVERED = "bulwark.gateway.audit.spool.delivered";
  /** Gauge: age of the oldest row in the table (0 when empty), from the cached refresh. */
  public static final String OLDEST_AGE = "bulwark.gateway.audit.spool.oldest.age.seconds";

  private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);
  private final Map<DeliveryPath, Counter> delivered = new EnumMap<>(DeliveryPath.class);
  private final Counter spooled;
  private final MeterRegistry registry;

  SpoolMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (DropReason r : DropReason.values()) {
      dropped.put(r, Counter.builder(DROPPED).tag("reason", r.label())
          .description("Audit events the gateway gave up on, by reason").register(registry));
    }
    for (DeliveryPath p : DeliveryPath.values()) {
      delivered.put(p, Counter.builder(DELIVERED).tag("path", p.label())
          .description("Audit events acknowledged by the ledger, by path").register(registry));
    }
    spooled = Counter.builder(SPOOLED).description("Audit events written to the spool table").register(registry);
  }

  /** The gauges, once the tiers they read exist. */
  void gauges(DoubleSupplier memoryDepth, DoubleSupplier databaseDepth, DoubleSupplier oldestAge) {
    Gauge.builder(DEPTH, memoryDepth::getAsDouble).tag("tier", "memory")
        .description("Audit events waiting to be sent").strongReference(true).register(registry);
    Gauge.builder(DEPTH, databaseDepth::getAsDouble).tag("tier", "database")
        .description("Audit events waiting to be sent").strongReference(true).register(registry);
    Gauge.builder(OLDEST_AGE, oldestAge::getAsDouble)
        .description("Age of the oldest audit event in the spool table").strongReference(true).register(registry);
  }

  void dropped(DropReason reason, long n) {
    if (n > 0) {
      dropped.get(reason).increment(n);
    }
  }

  void delivered(DeliveryPath path, long n) {
    delivered.get(path).increment(n);
  }

  void spooled(long n) {
    spooled.increment(n);
  }

  long droppedCount(DropReason reason) {
    return (long) dropped.get(reason).count();
  }

  long totalDropped() {
    long sum = 0;
    for (Counter c : dropped.values()) {
      sum += (long) c.count();
    }
    return sum;
  }

  long deliveredCount(DeliveryPath path) {
    return (long) delivered.get(path).count();
  }

  long spooledCount() {
    return (long) spooled.count();
  }
}
