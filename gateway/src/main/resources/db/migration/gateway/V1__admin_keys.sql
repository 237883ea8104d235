-- Admin keys generated on a development machine's first start. Only a SHA-256 hash is kept; the key itself is shown
-- once. Keys configured through BULWARK_ADMIN_KEYS never reach the database.
CREATE TABLE admin_keys (
  fingerprint text PRIMARY KEY,
  key_hash    bytea NOT NULL CHECK (octet_length(key_hash) = 32),
  origin      text NOT NULL CHECK (origin IN ('generated')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
