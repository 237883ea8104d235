package io.bulwark.shared.test;

import io.bulwark.shared.config.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh, empty database per test class, on the first PostgreSQL found: {@code TEST_DATABASE_URL}, else a server on
 * 127.0.0.1:5432, else Testcontainers when Docker runs, else an embedded PostgreSQL (so a machine with only a JDK
 * passes). {@link #close()} drops the database.
 */
public final class TestPostgres implements AutoCloseable {
  private static DatabaseUrl server;
  private static EmbeddedPostgres embedded;
  private static Object container;
  private final DatabaseUrl url;

  private TestPostgres(DatabaseUrl url) {
    this.url = url;
  }

  /** Creates a new database named after {@code owner} plus a random suffix. */
  public static TestPostgres create(String owner) {
    DatabaseUrl admin = server();
    String name = ("bw_" + owner.replaceAll("[^A-Za-z0-9]", "_") + "_" + UUID.randomUUID().toString().substring(0, 8))
        .toLowerCase(Locale.ROOT);
    if (name.length() > 60) {
      name = name.substring(name.length() - 60);
    }
    execute(admin, "CREATE DATABASE " + name);
    return new TestPostgres(admin.withDatabase(name));
  }

  public DatabaseUrl url() {
    return url;
  }

  /** The {@code postgres://} form, for {@code DATABASE_URL}. */
  public String databaseUrl() {
    return url.toUrl();
  }

  public Connection jdbc() throws SQLException {
    return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
  }

  @Override
  public void close() {
    try {
      execute(url.withDatabase("postgres"), "DROP DATABASE IF EXISTS " + url.database() + " WITH (FORCE)");
    } catch (RuntimeException e) {
      // the server may be gone already (a test stopped it); the database dies with it
    }
  }

  static void execute(DatabaseUrl target, String sql) {
    try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
         Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The server tests share, found once per JVM. */
  public static synchronized DatabaseUrl server() {
    if (server != null) {
      return server;
    }
    String explicit = System.getenv("TEST_DATABASE_URL");
    if ("embedded".equals(mode())) {
      server = startEmbedded();
    } else if (explicit != null && !explicit.isBlank()) {
      server = DatabaseUrl.parse("TEST_DATABASE_URL", explicit);
    } else if (reachable("127.0.0.1", 5432) && canLogin(DatabaseUrl.parse("local", "postgres://postgres@127.0.0.1:5432/postgres"))) {
      server = DatabaseUrl.parse("local", "postgres://postgres@127.0.0.1:5432/postgres");
    } else if (Docker.available()) {
      server = Docker.startPostgres(c -> container = c);
    } else {
      server = startEmbedded();
    }
    return server;
  }

  /**
   * {@code BULWARK_TEST_SERVICES=embedded} (environment or system property) skips the local servers and Docker, to
   * check that the tests pass on a machine with only a JDK.
   */
  static String mode() {
    String m = System.getProperty("bulwark.test.services", System.getenv("BULWARK_TEST_SERVICES"));
    return m == null ? "auto" : m;
  }

  /** An embedded PostgreSQL of this JVM's own, for tests that must stop and start their server. */
  public static EmbeddedPostgres startOwnEmbedded(java.nio.file.Path dataDir, int port) throws IOException {
    return EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port).start();
  }

  private static DatabaseUrl startEmbedded() {
    try {
      embedded = EmbeddedPostgres.builder().start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          embedded.close();
        } catch (IOException e) {
          // the JVM is ending
        }
      }));
      return DatabaseUrl.parse("embedded", "postgres://postgres@127.0.0.1:" + embedded.getPort() + "/postgres");
    } catch (IOException e) {
      throw new IllegalStateException("could not start embedded PostgreSQL: " + e.getMessage(), e);
    }
  }

  private static boolean canLogin(DatabaseUrl u) {
    try (Connection c = DriverManager.getConnection(u.jdbcUrl(), u.user(), u.password())) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  static boolean reachable(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A free TCP port on loopback. */
  public static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
