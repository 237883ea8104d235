-- Tenants, their API keys, and the spool that carries request-level audit events to the ledger when audit-service
-- cannot take them at once.

CREATE TABLE tenants (
  id               text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  status           text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  created_by       text NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  suspended_at     timestamptz,
  suspended_reason text
);

-- Only a SHA-256 hash of a key is kept; the key itself is shown once when issued. A replaced key keeps working until
-- expires_at (its grace period); a revoked key stops at once.
CREATE TABLE tenant_keys (
  id          text PRIMARY KEY CHECK (id ~ '^k_[a-z0-9]{12}$'),
  tenant_id   text NOT NULL REFERENCES tenants (id),
  key_hash    bytea NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
  name        text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  scopes      text[] NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text NOT NULL,
  expires_at  timestamptz,
  revoked_at  timestamptz,
  revoked_by  text,
  replaced_by text REFERENCES tenant_keys (id)
);
CREATE INDEX tenant_keys_tenant ON tenant_keys (tenant_id, created_at);

-- Request-level audit events (auth successes and failures, 403s, 429s) waiting for audit-service. Bounded by the
-- gateway (BULWARK_AUDIT_SPOOL_MAX_ROWS); rows leave once the ledger has acknowledged them.
CREATE TABLE audit_spool (
  id             bigserial PRIMARY KEY,
  idempotency_id text NOT NULL UNIQUE,
  event          jsonb NOT NULL,
  enqueued_at    timestamptz NOT NULL DEFAULT now(),
  attempts       integer NOT NULL DEFAULT 0,
  last_error     text
);
