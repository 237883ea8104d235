package io.bulwark.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.bulwark.shared.config.DatabaseUrl;
import org.junit.jupiter.api.Test;

/** The connection string handed to pg_dump: everything but the password, quoted so no value can add a keyword. */
class ConnInfoTest {
  @Test
  void passwordGoesToTheEnvironmentNeverTheCommandLine() {
    DatabaseUrl url = DatabaseUrl.parse("DATABASE_URL", "postgres://svc:s3cret@db.example:6543/bulwark?sslmode=require");
    String conninfo = ConnInfo.of(url, "bulwark-pg_dump");
    assertEquals("host='db.example' port='6543' dbname='bulwark' user='svc' application_name='bulwark-pg_dump' sslmode='require'",
        conninfo);
    assertFalse(conninfo.contains("s3cret"));
    assertEquals("s3cret", ConnInfo.environment(url).get("PGPASSWORD"));
  }

  @Test
  void quotesAndBackslashesCannotBreakOutOfAValue() {
    DatabaseUrl url = DatabaseUrl.parse("DATABASE_URL", "postgres://o%27brien%5C@127.0.0.1/db");
    assertEquals("host='127.0.0.1' port='5432' dbname='db' user='o\\'brien\\\\' application_name='x'", ConnInfo.of(url, "x"));
  }

  @Test
  void aPasswordInTheQueryIsDropped() {
    DatabaseUrl url = DatabaseUrl.parse("DATABASE_URL", "postgres://svc@127.0.0.1/db?password=leak&connect_timeout=5");
    String conninfo = ConnInfo.of(url, "x");
    assertFalse(conninfo.contains("leak"));
    assertEquals("host='127.0.0.1' port='5432' dbname='db' user='svc' application_name='x' connect_timeout='5'", conninfo);
  }
}
