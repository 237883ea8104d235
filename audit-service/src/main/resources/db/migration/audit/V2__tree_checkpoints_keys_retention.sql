-- The ledger grows a stored Merkle tree, signed checkpoints, key identities and a retention path.

-- Search columns: copies of fields of the canonical entry, so searches never parse JSON. The entry bytes stay the
-- authority; the verifier never reads these columns.
ALTER TABLE entries
  ADD COLUMN entry_time timestamptz,
  ADD COLUMN category   text,
  ADD COLUMN tenant     text,
  ADD COLUMN actor      text,
  ADD COLUMN action     text,
  ADD COLUMN outcome    text,
  ADD COLUMN request_id text;

-- Rows written before this migration get their search columns from their own bytes, once, with the guard lifted only
-- inside this transaction.
ALTER TABLE entries DISABLE TRIGGER entries_append_only;
UPDATE entries SET
  entry_time = (convert_from(entry, 'UTF8')::jsonb ->> 'time')::timestamptz,
  category   = convert_from(entry, 'UTF8')::jsonb ->> 'category',
  tenant     = convert_from(entry, 'UTF8')::jsonb ->> 'tenant',
  actor      = convert_from(entry, 'UTF8')::jsonb ->> 'actor',
  action     = convert_from(entry, 'UTF8')::jsonb ->> 'action',
  outcome    = convert_from(entry, 'UTF8')::jsonb ->> 'outcome',
  request_id = convert_from(entry, 'UTF8')::jsonb ->> 'requestId';
ALTER TABLE entries ENABLE TRIGGER entries_append_only;
ALTER TABLE entries ALTER COLUMN entry_time SET NOT NULL;

-- Keyset paging walks idx downwards inside each filter.
CREATE INDEX entries_tenant_idx ON entries (tenant, idx);
CREATE INDEX entries_tenant_action_idx ON entries (tenant, action, idx);
CREATE INDEX entries_actor_idx ON entries (actor, idx);
CREATE INDEX entries_request_id ON entries (request_id) WHERE request_id IS NOT NULL;
CREATE INDEX entries_time ON entries (entry_time, idx);

-- Full tiles of the tree (C2SP tlog-tiles geometry: 256 hashes of tree level 8*level, concatenated). Partial tiles are
-- never stored: they are recomputed from entries (level 0) or from the full tiles below.
CREATE TABLE tiles (
  level   smallint NOT NULL CHECK (level >= 0),
  idx     bigint   NOT NULL CHECK (idx >= 0),
  hashes  bytea    NOT NULL CHECK (octet_length(hashes) = 8192),
  PRIMARY KEY (level, idx)
);

-- Signed tree heads. note is the complete C2SP signed note, exactly as served.
CREATE TABLE checkpoints (
  tree_size  bigint PRIMARY KEY CHECK (tree_size > 0),
  root_hash  bytea NOT NULL CHECK (octet_length(root_hash) = 32),
  note       text NOT NULL,
  key_id     text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX checkpoints_created ON checkpoints (created_at);

-- Signing identities, in the order they were taken into use; a key is valid until the next one's valid_from.
CREATE TABLE signing_keys (
  key_id     text PRIMARY KEY,
  name       text NOT NULL,
  vkey       text NOT NULL UNIQUE,
  valid_from timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Archive segments: a contiguous index range written to the archive directory and verified there.
CREATE TABLE segments (
  from_idx        bigint PRIMARY KEY,
  to_idx          bigint NOT NULL CHECK (to_idx > from_idx),
  file_name       text NOT NULL,
  sha256          text NOT NULL,
  bytes           bigint NOT NULL,
  checkpoint_size bigint NOT NULL REFERENCES checkpoints (tree_size),
  last_time       timestamptz NOT NULL,
  verified_at     timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- What the retention path did: each prune moves the ledger's minimum index; a segment whose archive retention passed
-- has its file deleted (the segments row stays as history); pausing and resuming the worker.
CREATE TABLE retention_log (
  id         bigserial PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('pruned', 'segment-deleted', 'paused', 'resumed')),
  min_index  bigint,
  segment    bigint,
  actor      text,
  at         timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER tiles_append_only BEFORE UPDATE OR DELETE ON tiles FOR EACH ROW EXECUTE FUNCTION reject_ledger_change();
CREATE TRIGGER tiles_no_truncate BEFORE TRUNCATE ON tiles FOR EACH STATEMENT EXECUTE FUNCTION reject_ledger_change();
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints FOR EACH ROW EXECUTE FUNCTION reject_ledger_change();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints FOR EACH STATEMENT EXECUTE FUNCTION reject_ledger_change();
CREATE TRIGGER signing_keys_append_only BEFORE UPDATE OR DELETE ON signing_keys FOR EACH ROW EXECUTE FUNCTION reject_ledger_change();
CREATE TRIGGER signing_keys_no_truncate BEFORE TRUNCATE ON signing_keys FOR EACH STATEMENT EXECUTE FUNCTION reject_ledger_change();
CREATE TRIGGER retention_log_append_only BEFORE UPDATE OR DELETE ON retention_log FOR EACH ROW EXECUTE FUNCTION reject_ledger_change();
CREATE TRIGGER segments_append_only BEFORE UPDATE OR DELETE ON segments FOR EACH ROW EXECUTE FUNCTION reject_ledger_change();

-- The one way entries leave the database: only rows inside a verified archive segment, only through prune_entries().
-- search_path is pinned to this schema (FROM CURRENT at migration time): a trigger fires under any session's path.
CREATE OR REPLACE FUNCTION reject_ledger_change() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  -- nested, not AND-ed: PL/pgSQL does not promise to stop at the first false operand, and OLD.idx only exists on entries
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'entries' AND current_setting('bulwark.retention', true) = 'prune' THEN
    IF EXISTS (SELECT 1 FROM segments s WHERE s.from_idx <= OLD.idx AND OLD.idx < s.to_idx) THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit ledger is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- Removes archived entries below upto; returns how many went. Never touches an entry outside a verified segment.
CREATE FUNCTION prune_entries(upto bigint) RETURNS bigint LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  n bigint;
BEGIN
  PERFORM set_config('bulwark.retention', 'prune', true);
  DELETE FROM entries WHERE idx < upto;
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('bulwark.retention', '', true);
  INSERT INTO retention_log (kind, min_index) VALUES ('pruned', upto);
  RETURN n;
END;
$$;
