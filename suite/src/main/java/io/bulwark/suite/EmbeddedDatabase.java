package io.bulwark.suite;

import io.bulwark.shared.config.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The suite's own PostgreSQL: data kept in {@code <dataDir>/postgres}, database {@code bulwark}, loopback only. */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  private final EmbeddedPostgres postgres;
  private final DatabaseUrl url;

  private EmbeddedDatabase(EmbeddedPostgres postgres, DatabaseUrl url) {
    this.postgres = postgres;
    this.url = url;
  }

  public static EmbeddedDatabase start(Path dataDir) {
    try {
      Path pgData = dataDir.resolve("postgres");
      Files.createDirectories(pgData);
      boolean fresh = !Files.exists(pgData.resolve("postgresql.conf"));
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setDataDirectory(pgData)
          .setCleanDataDirectory(false)
          .setServerConfig("listen_addresses", "127.0.0.1")
          .start();
      DatabaseUrl admin = DatabaseUrl.parse("embedded", "postgres://postgres@127.0.0.1:" + pg.getPort() + "/postgres");
      ensureDatabase(admin, "bulwark");
      LOG.info("embedded PostgreSQL {} on 127.0.0.1:{} with data in {}", fresh ? "initialised" : "started", pg.getPort(), pgData);
      return new EmbeddedDatabase(pg, admin.withDatabase("bulwark"));
    } catch (IOException | SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  public DatabaseUrl url() {
    return url;
  }

  private static void ensureDatabase(DatabaseUrl admin, String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
         PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      q.setString(1, name);
      try (ResultSet rs = q.executeQuery()) {
        if (!rs.next()) {
          try (Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
          }
        }
      }
    }
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }
}
