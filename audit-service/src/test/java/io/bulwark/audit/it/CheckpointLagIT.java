package io.bulwark.audit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.shared.test.Http;
import io.bulwark.shared.test.TestServices;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Entries waiting for a checkpoint show in {@code bulwark_audit_checkpoint_age_seconds}; stopping the service signs a
 * last checkpoint, so nothing appended before a clean stop is left uncovered.
 */
class CheckpointLagIT {
  private static double checkpointAge(AuditHarness audit) {
    String metrics = Http.get("http://127.0.0.1:" + TestServices.managementPort(audit.running, "audit") + "/metrics").body();
    Matcher m = Pattern.compile("(?m)^bulwark_audit_checkpoint_age_seconds\\{[^}]*} (\\S+)$").matcher(metrics);
    assertTrue(m.find(), metrics);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void waitingEntriesShowAsLagAndAStopSignsThem() throws Exception {
    // an interval so long that only the stop can sign anything in this test
    try (AuditHarness audit = new AuditHarness("checkpoint_lag", Map.of("BULWARK_AUDIT_CHECKPOINT_INTERVAL", "1h"))) {
      long[] idx = audit.appendMany(50, "t-lag");
      AuditHarness.sleep(1200);
      assertTrue(checkpointAge(audit) >= 1.0, "entries have waited over a second for a checkpoint");
      assertEquals(0, audit.count("SELECT count(*) FROM audit.checkpoints"));

      audit.stop();
      assertEquals(1, audit.count("SELECT count(*) FROM audit.checkpoints"));
      assertEquals(idx[idx.length - 1] + 1, audit.count("SELECT max(tree_size) FROM audit.checkpoints"));

      audit.start();
      assertEquals(0.0, checkpointAge(audit), "every entry is covered: no lag after a restart");
    }
  }
}
