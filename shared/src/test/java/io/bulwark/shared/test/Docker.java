package io.bulwark.shared.test;

import io.bulwark.shared.config.DatabaseUrl;
import java.util.function.Consumer;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/** Testcontainers, used only when a Docker engine answers. */
final class Docker {
  private Docker() {}

  static boolean available() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  @SuppressWarnings("resource")
  static DatabaseUrl startPostgres(Consumer<Object> keep) {
    GenericContainer<?> c = new GenericContainer<>("postgres:15-alpine")
        .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust").withExposedPorts(5432)
        .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 2));
    c.start();
    keep.accept(c);
    return DatabaseUrl.parse("container", "postgres://postgres@" + c.getHost() + ":" + c.getMappedPort(5432) + "/postgres");
  }

  @SuppressWarnings("resource")
  static String startRedis(Consumer<Object> keep) {
    GenericContainer<?> c = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
    c.start();
    keep.accept(c);
    return "redis://" + c.getHost() + ":" + c.getMappedPort(6379);
  }
}
