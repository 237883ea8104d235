package io.bulwark.gateway.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Which failures of audit-service are worth a retry and which mean the batch itself is wrong. */
class AuditLinkTest {
  private static ReplyException replied(int status, String code) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, status,
        new JsonObject().put("code", code).put("detail", "x").encode());
  }

  @Test
  void outagesAreRetriedAndBadBatchesAreNot() {
    Object[][] table = {
        {new ReplyException(ReplyFailure.NO_HANDLERS, "none"), SendOutcome.Kind.UNAVAILABLE},
        {new ReplyException(ReplyFailure.TIMEOUT, "late"), SendOutcome.Kind.UNAVAILABLE},
        {replied(503, "audit.unavailable"), SendOutcome.Kind.UNAVAILABLE},
        {replied(503, "db.unavailable"), SendOutcome.Kind.UNAVAILABLE},
        {replied(500, "internal.error"), SendOutcome.Kind.UNAVAILABLE},
        {replied(429, "ratelimit.exceeded"), SendOutcome.Kind.UNAVAILABLE},
        {replied(408, "request.timeout"), SendOutcome.Kind.UNAVAILABLE},
        {replied(400, "validation.failed"), SendOutcome.Kind.REJECTED},
        {replied(413, "request.too_large"), SendOutcome.Kind.REJECTED},
        // a consumer that failed without the error model: a fault on its side, so retried
        {new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 400, "not json"), SendOutcome.Kind.UNAVAILABLE},
        {new IllegalStateException("bus closed"), SendOutcome.Kind.UNAVAILABLE},
    };
    for (Object[] row : table) {
      SendOutcome out = AuditLink.classify((Throwable) row[0]);
      assertEquals(row[1], out.kind(), row[0] + " -> " + out.reason());
    }
  }
}
