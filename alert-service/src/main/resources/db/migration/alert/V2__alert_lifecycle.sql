-- The alert lifecycle: what fired, why, who acknowledged or resolved it, and what the notifier has already sent.
ALTER TABLE alerts
  ADD COLUMN source          text NOT NULL DEFAULT 'rule' CHECK (source IN ('rule', 'external')),
  ADD COLUMN annotations     jsonb NOT NULL DEFAULT '{}'::jsonb,
  ADD COLUMN value           double precision,
  -- when the condition was first seen true (pending began); the start of "time to first notification"
  ADD COLUMN active_at       timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN firing_at       timestamptz,
  ADD COLUMN acknowledged_at timestamptz,
  ADD COLUMN acknowledged_by text,
  ADD COLUMN resolved_at     timestamptz,
  ADD COLUMN resolved_by     text,
  ADD COLUMN comment         text,
  -- external alerts (Alertmanager API) resolve by themselves when not refreshed before this time
  ADD COLUMN ends_at         timestamptz,
  ADD COLUMN silenced_by     uuid,
  ADD COLUMN inhibited       boolean NOT NULL DEFAULT false,
  -- the last state handed to the notification outbox: NULL (nothing yet), 'firing' or 'resolved'
  ADD COLUMN notified_state  text CHECK (notified_state IN ('firing', 'resolved')),
  ADD COLUMN version         bigint NOT NULL DEFAULT 1;

CREATE INDEX alerts_state_updated ON alerts (state, updated_at DESC);
CREATE INDEX alerts_updated ON alerts (updated_at DESC);

CREATE TABLE silences (
  id         uuid PRIMARY KEY,
  -- [{"name": "service", "value": "gateway", "isRegex": false, "isEqual": true}, ...] (Alertmanager's matcher shape)
  matchers   jsonb NOT NULL,
  starts_at  timestamptz NOT NULL,
  ends_at    timestamptz NOT NULL,
  created_by text NOT NULL,
  comment    text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  expired_by text,
  CHECK (ends_at > starts_at)
);
CREATE INDEX silences_ends ON silences (ends_at);
