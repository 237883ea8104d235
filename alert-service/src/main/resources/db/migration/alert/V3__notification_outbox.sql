-- The notification outbox: every notification is a row before it is sent, so a restart loses none and retries,
-- dead letters and redrives are visible. Rows of one group are delivered strictly in id order.
CREATE TABLE notifications (
  id              bigserial PRIMARY KEY,
  receiver        text NOT NULL,
  -- receiver/route/group_by values: the unit of ordering (a failing head blocks its group only)
  group_key       text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('firing', 'resolved')),
  -- the exact body to send; signatures and PagerDuty routing keys are added at send time and never stored
  body            text NOT NULL,
  alert_ids       uuid[] NOT NULL,
  fingerprints    text[] NOT NULL,
  -- earliest active_at of the alerts notified here for the first time (condition-to-first-notification latency)
  first_active_at timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivering', 'delivered', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- a 'delivering' row whose lease ran out (its instance died mid-send) is claimable again: at-least-once
  lease_until     timestamptz,
  last_status     integer,
  -- HTTP status or exception class and message; never a secret, a signature or a URL's query
  last_error      text,
  delivered_at    timestamptz
);
CREATE INDEX notifications_open ON notifications (group_key, id) WHERE status IN ('pending', 'delivering');
CREATE INDEX notifications_status_created ON notifications (status, created_at);

-- What each group was last told: group_wait / group_interval / repeat_interval and resolved notifications follow from it.
CREATE TABLE notification_groups (
  group_key     text PRIMARY KEY,
  receiver      text NOT NULL,
  first_seen_at timestamptz NOT NULL,
  last_sent_at  timestamptz,
  sent_firing   uuid[] NOT NULL DEFAULT '{}'
);

-- One row: delivery paused by an operator (enqueueing goes on); durable so a restart does not resume by surprise.
CREATE TABLE outbox_state (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  paused     boolean NOT NULL DEFAULT false,
  changed_at timestamptz NOT NULL DEFAULT now(),
  changed_by text
);
INSERT INTO outbox_state (singleton, paused) VALUES (true, false);
