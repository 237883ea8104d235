package io.bulwark.suite;

import io.bulwark.shared.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the services sent on the bus that concerns backups: requests to backup-service (not its pings or broadcasts)
 * and ledger appends of {@code admin.backup.*} actions. Watches only; every message goes on unchanged.
 */
final class BusWatch {
  private final List<String> seen = new CopyOnWriteArrayList<>();

  static BusWatch on(Vertx vertx) {
    BusWatch w = new BusWatch();
    vertx.eventBus().addOutboundInterceptor(dc -> {
      String address = dc.message().address();
      Object body = dc.message().body();
      if (address.startsWith("bulwark.backup.") && !address.equals(Addresses.BACKUP_PING)
          && !address.equals(Addresses.BACKUP_EVENTS)) {
        w.seen.add(address);
      } else if (address.equals(Addresses.AUDIT_APPEND) && body instanceof JsonObject j
          && j.getValue("event") instanceof JsonObject e && e.getString("action", "").startsWith("admin.backup")) {
        w.seen.add(address + " " + e.getString("action"));
      }
      dc.next();
    });
    return w;
  }

  int size() {
    return seen.size();
  }

  List<String> since(int mark) {
    return List.copyOf(seen.subList(mark, seen.size()));
  }

  List<String> addresses() {
    return List.copyOf(seen);
  }
}
