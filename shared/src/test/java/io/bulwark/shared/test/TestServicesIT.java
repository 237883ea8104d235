package io.bulwark.shared.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
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

  private static void assertPong(String url) {
    URI u = URI.create(url);
    assertTrue(RedisProcess.answersPing(u.getHost(), u.getPort(), 3000), "no PONG from " + url);
  }

}
