-- Alerts, deduplicated by fingerprint (the sorted label set); state survives restarts.
CREATE TABLE alerts (
  id          uuid PRIMARY KEY,
  fingerprint text NOT NULL,
  rule        text NOT NULL,
  severity    text NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
  state       text NOT NULL CHECK (state IN ('pending', 'firing', 'acknowledged', 'resolved')),
  labels      jsonb NOT NULL DEFAULT '{}'::jsonb,
  started_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX alerts_open_fingerprint ON alerts (fingerprint) WHERE state <> 'resolved';
