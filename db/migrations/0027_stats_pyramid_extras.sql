-- Days rolled up before the pyramid's rollup existed have no visitors rows: forget them, so every day is read live
-- (exact) until the nightly job (or npm run stats:rebuild) rolls them up again with their visitors.
DELETE FROM `stats_rollup_days`;
--> statement-breakpoint
-- Rolled days carry each visitor's birth date and gender as they were when the day was rolled: the first change since
-- the rollup last folded changes in keeps the old values, so the pyramid can correct those days until the next fold.
CREATE TRIGGER stats_rolled_demographics_update AFTER UPDATE OF birth_date, gender ON patients
WHEN (OLD.birth_date IS NOT NEW.birth_date OR OLD.gender IS NOT NEW.gender) AND EXISTS (SELECT 1 FROM stats_rollup_days)
BEGIN
  INSERT INTO stats_rolled_demographics (patient_id, birth_date, gender) VALUES (OLD.id, OLD.birth_date, OLD.gender)
    ON CONFLICT (patient_id) DO NOTHING;
END;
--> statement-breakpoint
-- A merge (or its undoing) moves encounters to another patient: rolled days still count them as the first owner's.
CREATE TRIGGER stats_rolled_owners_update AFTER UPDATE OF patient_id ON encounters
WHEN OLD.patient_id IS NOT NEW.patient_id AND EXISTS (SELECT 1 FROM stats_rollup_days)
BEGIN
  INSERT INTO stats_rolled_owners (encounter_id, patient_id) VALUES (OLD.id, OLD.patient_id)
    ON CONFLICT (encounter_id) DO NOTHING;
END;
