package io.bulwark.alert.notify;

import java.util.Map;

/** The validated receivers file: the routing tree and the receivers by name. */
public record NotifyConfig(String source, Route root, Map<String, Receiver> receivers) {
  public Receiver receiver(String name) {
    return receivers.get(name);
  }
}
