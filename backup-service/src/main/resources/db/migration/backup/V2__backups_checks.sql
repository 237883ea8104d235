-- One row per backup attempt, whatever its outcome: a failed or interrupted run stays visible, and only a row in
-- status 'succeeded' (whose file and manifest were committed to storage first) is ever offered as a backup.
DROP TABLE runs;

CREATE TABLE backups (
  id              text PRIMARY KEY,
  status          text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  -- 'imported': found in storage with its manifest but unknown to this catalog (the database it lived in was lost)
  trigger         text NOT NULL CHECK (trigger IN ('schedule', 'manual', 'imported')),
  actor           text NOT NULL,
  request_id      text,
  started_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  file_name       text,
  bytes           bigint,
  sha256          text,
  key_id          text,
  manifest        jsonb,
  manifest_sha256 text,
  failure_reason  text,
  failure_detail  text,
  pruned_at       timestamptz,
  CHECK (status <> 'succeeded' OR (file_name IS NOT NULL AND sha256 IS NOT NULL AND manifest IS NOT NULL))
);
CREATE INDEX backups_started ON backups (started_at DESC);

-- Verifications, restore drills and restores of a backup, with their verdict and what they measured.
CREATE TABLE checks (
  id          text PRIMARY KEY,
  backup_id   text NOT NULL REFERENCES backups (id),
  kind        text NOT NULL CHECK (kind IN ('verify', 'drill', 'restore')),
  status      text NOT NULL CHECK (status IN ('running', 'passed', 'failed')),
  trigger     text NOT NULL CHECK (trigger IN ('schedule', 'manual', 'after-backup')),
  actor       text NOT NULL,
  request_id  text,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  duration_ms bigint,
  reason      text,
  detail      text,
  result      jsonb,
  database    text
);
CREATE INDEX checks_backup ON checks (backup_id, started_at DESC);
CREATE INDEX checks_kind ON checks (kind, started_at DESC);
