package io.bulwark.backup.retention;

import java.time.Instant;
import java.util.Objects;

/** One finished backup as retention sees it: its id, when it finished and whether a verification passed. */
public record Candidate(String id, Instant finishedAt, boolean verified) {
  public Candidate {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(finishedAt, "finishedAt");
  }
}
