package io.bulwark.alert;

import io.bulwark.shared.config.ConfigLoader;
import io.bulwark.shared.lifecycle.Bulwark;
import io.bulwark.shared.lifecycle.FirstRun;
import java.util.List;

/** Runs alert-service as its own process. */
public final class AlertApplication {
  private AlertApplication() {}

  public static void main(String[] args) {
    System.setProperty("bulwark.service", "alert");
    Bulwark.runProcess(List.of(AlertService.DEFINITION), ConfigLoader.Mode.STANDALONE, System.getenv(), FirstRun::printNotices);
  }
}
