package io.bulwark.gateway;

import io.bulwark.shared.config.ConfigLoader;
import io.bulwark.shared.lifecycle.Bulwark;
import io.bulwark.shared.lifecycle.FirstRun;
import java.util.List;

/** Runs the gateway as its own process. */
public final class GatewayApplication {
  private GatewayApplication() {}

  public static void main(String[] args) {
    System.setProperty("bulwark.service", "gateway");
    Bulwark.runProcess(List.of(GatewayService.DEFINITION), ConfigLoader.Mode.STANDALONE, System.getenv(), FirstRun::printNotices);
  }
}
