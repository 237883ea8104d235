package io.bulwark.shared.test;

import java.io.IOException;
import redis.embedded.RedisServer;

/** A Redis for tests: 127.0.0.1:6379 when it answers, else Testcontainers when Docker runs, else an embedded Redis. */
public final class TestRedis {
  private static String url;
  private static RedisServer embedded;
  private static Object container;

  private TestRedis() {}

  public static synchronized String url() {
    if (url != null) {
      return url;
    }
    String explicit = System.getenv("TEST_REDIS_URL");
    if ("embedded".equals(TestPostgres.mode())) {
      url = startEmbedded();
    } else if (explicit != null && !explicit.isBlank()) {
      url = explicit;
    } else if (TestPostgres.reachable("127.0.0.1", 6379)) {
      url = "redis://127.0.0.1:6379";
    } else if (Docker.available()) {
      url = Docker.startRedis(c -> container = c);
    } else {
      url = startEmbedded();
    }
    return url;
  }

  /** A Redis of this JVM's own on a free loopback port, stopped when the JVM ends. */
  static String startEmbedded() {
    int port = TestPostgres.freePort();
    try {
      embedded = RedisServer.newRedisServer().port(port).bind("127.0.0.1").build();
      embedded.start();
    } catch (IOException e) {
      throw new IllegalStateException("could not start embedded Redis: " + e.getMessage(), e);
    }
    RedisServer started = embedded;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        started.stop();
      } catch (IOException e) {
        // the JVM is ending
      }
    }));
    return "redis://127.0.0.1:" + port;
  }
}
