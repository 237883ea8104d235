package io.bulwark.suite;

import io.bulwark.shared.lifecycle.Bulwark;
import io.bulwark.shared.lifecycle.BulwarkService;
import io.bulwark.shared.test.TestPostgres;
import io.bulwark.shared.test.TestServices;
import java.util.List;
import java.util.Map;

/** The four services in this JVM on a fresh database, with two admin keys configured (current and previous). */
final class SuiteHarness implements AutoCloseable {
  static final String ADMIN_KEY = "it-admin-key-current-0123456789";
  static final String PREVIOUS_ADMIN_KEY = "it-admin-key-previous-0123456789";
  final TestPostgres db;
  final Bulwark running;

  SuiteHarness(String name) {
    this(name, Map.of());
  }

  /** With {@code extra} settings on top of the defaults (e.g. short auth windows, JWT keys). */
  SuiteHarness(String name, Map<String, String> extra) {
    db = TestPostgres.create(name);
    List<BulwarkService> services = SuiteApplication.services();
    Map<String, String> env = TestServices.env(db.databaseUrl(), services);
    env.put("BULWARK_ADMIN_KEYS", ADMIN_KEY + "," + PREVIOUS_ADMIN_KEY);
    env.putAll(extra);
    Bulwark started;
    try {
      started = TestServices.start(services, env);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    running = started;
  }

  String gateway() {
    return "http://127.0.0.1:" + TestServices.httpPort(running, "gateway");
  }

  String management(String service) {
    return "http://127.0.0.1:" + TestServices.managementPort(running, service);
  }

  @Override
  public void close() {
    try {
      TestServices.stop(running);
    } finally {
      db.close();
    }
  }
}
