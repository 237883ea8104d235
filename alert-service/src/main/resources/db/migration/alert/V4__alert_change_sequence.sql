-- Every write of an alert takes the next number of this sequence, so the notifier reads only what changed since its
-- last look instead of every open alert on every poll. New rows take it by default; updates by the trigger below,
-- whoever makes them (the lifecycle, or an operator's hand), except the notifier's own notified_state updates.
-- Existing rows are numbered in the order the column is added.
CREATE SEQUENCE alert_change_seq;
ALTER TABLE alerts ADD COLUMN change_seq bigint NOT NULL DEFAULT nextval('alert_change_seq');
CREATE INDEX alerts_change_seq ON alerts (change_seq);

CREATE FUNCTION alert_next_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.change_seq := nextval('alert.alert_change_seq');
  RETURN NEW;
END
$$;

CREATE TRIGGER alerts_change_seq BEFORE UPDATE ON alerts FOR EACH ROW
  WHEN (OLD.notified_state IS NOT DISTINCT FROM NEW.notified_state)
  EXECUTE FUNCTION alert_next_change();
