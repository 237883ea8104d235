package io.bulwark.gateway.audit;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.bulwark.shared.bus.Addresses;
import io.bulwark.shared.bus.AppendReply;
import io.bulwark.shared.bus.AppendRequest;
import io.bulwark.shared.bus.AuditEvent;
import io.bulwark.shared.bus.BusErrors;
import io.bulwark.shared.http.ApiException;
import io.bulwark.shared.http.ErrorCodes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the gateway's decisions go into the ledger. Changes (admin writes, key and tenant changes) wait for the
 * ledger's acknowledgement and fail closed; request-level decisions go through the spool and never hold up traffic.
 * Both count in {@code bulwark_security_events_total{event}}.
 */
public final class DecisionLog {
  public static final String SECURITY_EVENTS = "bulwark.security.events";
  private static final Logger LOG = LoggerFactory.getLogger(DecisionLog.class);
  private final EventBus bus;
  private final DeliveryOptions delivery;
  private final Predicate<AuditEvent> spool;
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public DecisionLog(EventBus bus, long timeoutMs, Predicate<AuditEvent> spool, MeterRegistry registry) {
    this.bus = bus;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
    this.spool = spool;
    this.registry = registry;
    for (SecurityEvent e : SecurityEvent.values()) {
      counter(e);
    }
  }

  /**
   * Appends {@code event} and completes once the ledger has committed it; fails with 503 {@code audit.unavailable}
   * otherwise, so the caller rolls its change back.
   */
  public Future<AppendReply> required(String idempotencyId, AuditEvent event) {
    return bus.<JsonObject>request(Addresses.AUDIT_APPEND, new AppendRequest(idempotencyId, event).toJson(), delivery)
        .map(m -> AppendReply.fromJson(m.body()))
        .recover(err -> {
          ApiException mapped = BusErrors.toApi(err, ErrorCodes.AUDIT_UNAVAILABLE, "audit-service");
          LOG.warn("change refused: the ledger did not acknowledge {}", event.action(), kv("event", "audit.unavailable"),
              kv("action", event.action()), kv("code", mapped.code()));
          // whatever the bus said, the change did not happen because the ledger could not record it
          return Future.failedFuture(new ApiException(503, ErrorCodes.AUDIT_UNAVAILABLE,
              "the audit ledger did not acknowledge this change, so it was not made; retry when audit-service is back"));
        });
  }

  /** Counts a request-level decision and hands it to the spool; never blocks. */
  public void record(SecurityEvent kind, AuditEvent event) {
    counter(kind).increment();
    if (event != null) {
      spool.test(event);
    }
  }

  /** Counts a decision that is not worth a ledger entry of its own (e.g. each request refused during a block). */
  public void count(SecurityEvent kind) {
    counter(kind).increment();
  }

  private Counter counter(SecurityEvent e) {
    return counters.computeIfAbsent(e.label(), l -> Counter.builder(SECURITY_EVENTS)
        .description("Security decisions made by the gateway").tag("event", l).register(registry));
  }
}
