package io.bulwark.audit;

import io.bulwark.shared.config.ConfigLoader;
import io.bulwark.shared.lifecycle.Bulwark;
import io.bulwark.shared.lifecycle.FirstRun;
import java.util.List;

/** Runs audit-service as its own process. */
public final class AuditApplication {
  private AuditApplication() {}

  public static void main(String[] args) {
    System.setProperty("bulwark.service", "audit");
    Bulwark.runProcess(List.of(AuditService.DEFINITION), ConfigLoader.Mode.STANDALONE, System.getenv(), FirstRun::printNotices);
  }
}
