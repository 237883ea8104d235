package io.bulwark.gateway.ratelimit;

import java.util.Objects;

/** One bucket a request draws from: a policy and whom it counts (an API key id or a tenant id, per its scope). */
public record Subject(RateLimitPolicy policy, String id) {
  public Subject {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(id, "id");
  }

  /** The Redis key of this bucket; the same on every gateway instance, so they share it. */
  public String key() {
    return "bulwark:rl:" + policy.name() + ":" + id;
  }
}
