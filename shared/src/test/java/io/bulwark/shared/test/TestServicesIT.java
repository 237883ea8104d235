package io.bulwark.shared.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The test support itself: each test class gets its own empty database, and a Redis answers. */
class TestServicesIT {
  @Test
  void eachCallGetsAFreshDatabaseThatIsDroppedOnClose() throws Exception {
    String name;
    try (TestPostgres a = TestPostgres.create("support_a"); TestPostgres b = TestPostgres.create("support_a")) {
      assertNotEquals(a.url().database(), b.url().database());
      name = a.url().database();
      try (Connection c = a.jdbc(); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname IN ('gateway','audit')")) {
        rs.next();
        assertEquals(0, rs.getLong(1), "a new database must be empty");
      }
    }
    try (TestPostgres probe = TestPostgres.create("support_check"); Connection c = probe.jdbc(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + name + "'")) {
      rs.next();
      assertEquals(0, rs.getLong(1), "database not dropped on close");
    }
  }

  @Test
  void redisAnswersPing() throws Exception {
    assertPong(TestRedis.url());
  }

  @Test
  void embeddedRedisStartsWhenNothingElseIs() throws Exception {
    assertPong(TestRedis.startEmbedded());
  }

  private static void assertPong(String url) throws Exception {
    URI u = URI.create(url);
    try (Socket s = new Socket(u.getHost(), u.getPort())) {
      s.setSoTimeout(3000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.readNBytes(buf, 0, 7);
      assertTrue(n >= 5);
      assertEquals("+PONG", new String(buf, 0, 5, StandardCharsets.US_ASCII));
    }
  }
}
