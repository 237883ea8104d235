-- The last time step a one-time code was accepted for, per enrolled admin key (by fingerprint, never the key or the
-- secret). Shared by every gateway instance, so a code accepted by one cannot be used again at another.
CREATE TABLE mfa_used_steps (
  fingerprint text PRIMARY KEY,
  step        bigint NOT NULL,
  used_at     timestamptz NOT NULL DEFAULT now()
);
