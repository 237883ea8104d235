package io.bulwark.gateway.spool;

import java.util.Locale;

/** How an event reached the ledger: straight from memory, or later from the spool table. */
public enum DeliveryPath {
  DIRECT,
  SPOOL;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
