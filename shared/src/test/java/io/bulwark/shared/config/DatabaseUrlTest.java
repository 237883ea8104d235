package io.bulwark.shared.config;

import static io.bulwark.shared.config.ConfigAssertions.assertOneLineNaming;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing {@code postgres://} URLs, their JDBC form, and keeping the password out of {@code toString()}. */
class DatabaseUrlTest {

  @Test
  void parsesEveryPart() {
    DatabaseUrl u = DatabaseUrl.parse("DATABASE_URL", "postgres://alice:s3cret@db.example:6543/ledger?sslmode=require&connectTimeout=5");
    assertEquals("db.example", u.host());
    assertEquals(6543, u.port());
    assertEquals("ledger", u.database());
    assertEquals("alice", u.user());
    assertEquals("s3cret", u.password());
    assertEquals("sslmode=require&connectTimeout=5", u.query());
  }

  @Test
  void userAndPasswordArePercentDecoded() {
    DatabaseUrl u = DatabaseUrl.parse("DATABASE_URL", "postgres://al%40ice:p%40ss%3Aw%2Frd%25%23%3F@db/ledger");
    assertEquals("al@ice", u.user());
    assertEquals("p@ss:w/rd%#?", u.password());
  }

  @Test
  void defaultsPortUserAndNoPassword() {
    DatabaseUrl u = DatabaseUrl.parse("DATABASE_URL", "postgresql://db/ledger");
    assertEquals(5432, u.port());
    assertEquals("postgres", u.user());
    assertNull(u.password());
    assertNull(u.query());
    DatabaseUrl userOnly = DatabaseUrl.parse("DATABASE_URL", "postgres://bob@db/ledger");
    assertEquals("bob", userOnly.user());
    assertNull(userOnly.password());
  }

  @Test
  void jdbcUrlKeepsTheQueryAndLeavesOutCredentials() {
    assertEquals("jdbc:postgresql://db.example:6543/ledger?sslmode=require",
        DatabaseUrl.parse("DATABASE_URL", "postgres://alice:s3cret@db.example:6543/ledger?sslmode=require").jdbcUrl());
    assertEquals("jdbc:postgresql://db:5432/ledger", DatabaseUrl.parse("DATABASE_URL", "postgres://alice:s3cret@db/ledger").jdbcUrl());
  }

  @Test
  void toStringNeverShowsThePassword() {
    for (String password : new String[] {"s3cret", "p%40ss%3Aword", "hunter2hunter2"}) {
      DatabaseUrl u = DatabaseUrl.parse("DATABASE_URL", "postgres://alice:" + password + "@db:5432/ledger?sslmode=require");
      String shown = u.toString();
      assertFalse(shown.contains(password), shown);
      assertFalse(shown.contains(u.password()), shown);
      assertEquals("postgres://alice:***@db:5432/ledger", shown);
    }
    assertEquals("postgres://alice@db:5432/ledger", DatabaseUrl.parse("DATABASE_URL", "postgres://alice@db/ledger").toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"simple", "p@ss:w/rd", "with space", "plus+sign", "percent%41", "üñí©ødé", "a?b#c&d=e"})
  void toUrlRoundTripsAnyPassword(String password) {
    DatabaseUrl original = new DatabaseUrl("db.example", 6543, "ledger", "alice", password, "sslmode=require");
    assertEquals(original, DatabaseUrl.parse("DATABASE_URL", original.toUrl()));
  }

  @Test
  void aLiteralPlusInThePasswordIsKept() {
    assertEquals("a+b", DatabaseUrl.parse("DATABASE_URL", "postgres://alice:a+b@db/ledger").password());
  }

  @Test
  void toUrlRoundTripsAUserAndADatabaseThatNeedEncoding() {
    DatabaseUrl original = new DatabaseUrl("db", 5432, "my ledger", "al@ice:x", "pw", null);
    assertEquals(original, DatabaseUrl.parse("DATABASE_URL", original.toUrl()));
  }

  @Test
  void toUrlRoundTripsWithoutPasswordOrQuery() {
    DatabaseUrl original = DatabaseUrl.parse("DATABASE_URL", "postgres://bob@db/ledger");
    assertEquals("postgres://bob@db:5432/ledger", original.toUrl());
    assertEquals(original, DatabaseUrl.parse("DATABASE_URL", original.toUrl()));
  }

  @Test
  void withDatabaseKeepsTheRest() {
    DatabaseUrl u = DatabaseUrl.parse("DATABASE_URL", "postgres://alice:s3cret@db:6543/ledger?sslmode=require");
    assertEquals(new DatabaseUrl("db", 6543, "drill_1", "alice", "s3cret", "sslmode=require"), u.withDatabase("drill_1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "mysql://x", "http://db/ledger", "postgres:///ledger", "postgres://db", "postgres://db/",
      "postgres://db/a/b", "postgres://db/ledger with space", "not a url"})
  void invalidUrlsFailNamingTheKey(String raw) {
    assertOneLineNaming("AUDIT_DATABASE_URL", assertThrows(ConfigException.class, () -> DatabaseUrl.parse("AUDIT_DATABASE_URL", raw)));
  }

  @Test
  void aMissingUrlFailsNamingTheKey() {
    assertOneLineNaming("DATABASE_URL", assertThrows(ConfigException.class, () -> DatabaseUrl.parse("DATABASE_URL", null)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"mysql://alice:topsecret99@db/ledger", "postgres://alice:topsecret99@/ledger",
      "postgres://alice:topsecret99@db", "postgres://alice:topsecret99@db/ledger with space"})
  void errorsNeverEchoThePassword(String raw) {
    ConfigException e = assertThrows(ConfigException.class, () -> DatabaseUrl.parse("DATABASE_URL", raw));
    assertFalse(e.getMessage().contains("topsecret99"), e.getMessage());
    assertTrue(e.getMessage().contains("DATABASE_URL"), e.getMessage());
  }
}
