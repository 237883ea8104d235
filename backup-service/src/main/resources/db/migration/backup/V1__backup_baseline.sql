-- Backup runs: one row per attempt, whatever its outcome, so a failed or stale backup is visible.
CREATE TABLE runs (
  id          uuid PRIMARY KEY,
  trigger     text NOT NULL CHECK (trigger IN ('schedule', 'manual', 'drill')),
  status      text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  detail      text
);
CREATE INDEX runs_started_at ON runs (started_at DESC);
