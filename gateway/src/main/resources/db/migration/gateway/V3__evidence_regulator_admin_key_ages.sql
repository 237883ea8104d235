-- Evidence packs, regulator portal sessions, and when each configured admin key was first seen (for key ages in the
-- compliance report).

-- A stored evidence pack: the exact bytes served on download, with their SHA-256, which the ledger entry
-- compliance.evidence.create also holds. Packs are immutable: a trigger refuses UPDATE and DELETE.
CREATE TABLE evidence_packs (
  seq             bigserial UNIQUE,
  id              text PRIMARY KEY CHECK (id ~ '^ev_[a-z0-9]{20}$'),
  tenant_id       text NOT NULL REFERENCES tenants (id),
  tag             text CHECK (tag ~ '^[A-Za-z0-9._-]{1,64}$'),
  created_at      timestamptz NOT NULL DEFAULT now(),
  created_by      text NOT NULL,
  request_id      text,
  sha256          bytea NOT NULL CHECK (octet_length(sha256) = 32),
  bytes           bigint NOT NULL CHECK (bytes = octet_length(content)),
  entries         bigint NOT NULL,
  checkpoint_size bigint NOT NULL,
  content         bytea NOT NULL
);
CREATE INDEX evidence_packs_tenant ON evidence_packs (tenant_id, seq DESC);

CREATE FUNCTION evidence_packs_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'evidence packs are immutable (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER evidence_packs_no_update_delete BEFORE UPDATE OR DELETE ON evidence_packs
  FOR EACH ROW EXECUTE FUNCTION evidence_packs_immutable();
CREATE TRIGGER evidence_packs_no_truncate BEFORE TRUNCATE ON evidence_packs
  FOR EACH STATEMENT EXECUTE FUNCTION evidence_packs_immutable();

-- A regulator's read-only session. Only the token's SHA-256 is kept; rows past their expiry are swept.
CREATE TABLE regulator_sessions (
  token_hash bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
  code_name  text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  source_ip  text
);
CREATE INDEX regulator_sessions_expiry ON regulator_sessions (expires_at);

-- The first time a gateway ran with each admin key (by fingerprint): configured keys have no other record of age.
CREATE TABLE admin_key_sightings (
  fingerprint text PRIMARY KEY,
  first_seen  timestamptz NOT NULL DEFAULT now(),
  last_seen   timestamptz NOT NULL DEFAULT now()
);
