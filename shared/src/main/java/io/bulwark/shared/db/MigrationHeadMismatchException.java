package io.bulwark.shared.db;

/** The database's schema version is not the one this build was made for. */
public final class MigrationHeadMismatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MigrationHeadMismatchException(String schema, int expected, String actual) {
    super("migration head mismatch: expected V" + expected + ", database at " + actual + " (schema " + schema + ")");
  }
}
