-- The ledger's entries. An entry is the RFC 8785 canonical JSON of the event; leaf_hash is its RFC 6962 leaf hash.
-- Indexes are dense from 0: the writer holds an advisory lock while it assigns the next one.
CREATE TABLE entries (
  idx            bigint PRIMARY KEY CHECK (idx >= 0),
  idempotency_id text NOT NULL UNIQUE,
  entry          bytea NOT NULL,
  leaf_hash      bytea NOT NULL CHECK (octet_length(leaf_hash) = 32),
  recorded_at    timestamptz NOT NULL DEFAULT now()
);

-- Append-only: the database itself refuses to change or remove history, whoever asks.
CREATE FUNCTION reject_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit ledger is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON entries
  FOR EACH ROW EXECUTE FUNCTION reject_ledger_change();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries
  FOR EACH STATEMENT EXECUTE FUNCTION reject_ledger_change();
