package io.bulwark.backup;

import io.bulwark.shared.config.ConfigLoader;
import io.bulwark.shared.lifecycle.Bulwark;
import io.bulwark.shared.lifecycle.FirstRun;
import java.util.List;

/** Runs backup-service as its own process. */
public final class BackupApplication {
  private BackupApplication() {}

  public static void main(String[] args) {
    System.setProperty("bulwark.service", "backup");
    Bulwark.runProcess(List.of(BackupService.DEFINITION), ConfigLoader.Mode.STANDALONE, System.getenv(), FirstRun::printNotices);
  }
}
