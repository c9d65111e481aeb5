-- The indexes by patient and by actor lead with the row's segment of the log, seq / 16384 (AUDIT_SEGMENT_ROWS in
-- src/modules/audit/audit.repository.ts, fixed by the data from here on): keyed by patient alone, each chunk the
-- audit writer indexed wrote one leaf page per row, spread over the whole index. WITHOUT ROWID is written by hand:
-- drizzle-kit has no word for it.
CREATE TABLE `__new_audit_patient_index` (
	`segment` integer NOT NULL,
	`patient_id` text NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`segment`, `patient_id`, `seq`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_audit_patient_index` (`segment`, `patient_id`, `seq`)
  SELECT `seq` / 16384, `patient_id`, `seq` FROM `audit_patient_index` ORDER BY 1, 2, 3;
--> statement-breakpoint
DROP TABLE `audit_patient_index`;
--> statement-breakpoint
ALTER TABLE `__new_audit_patient_index` RENAME TO `audit_patient_index`;
--> statement-breakpoint
CREATE TABLE `__new_audit_actor_index` (
	`segment` integer NOT NULL,
	`actor_id` text NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`segment`, `actor_id`, `seq`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_audit_actor_index` (`segment`, `actor_id`, `seq`)
  SELECT `seq` / 16384, `actor_id`, `seq` FROM `audit_actor_index` ORDER BY 1, 2, 3;
--> statement-breakpoint
DROP TABLE `audit_actor_index`;
--> statement-breakpoint
ALTER TABLE `__new_audit_actor_index` RENAME TO `audit_actor_index`;
--> statement-breakpoint
-- Append-only like the log they index (the triggers went with the old tables).
CREATE TRIGGER audit_patient_index_no_update BEFORE UPDATE ON audit_patient_index BEGIN SELECT RAISE(ABORT, 'audit_patient_index is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER audit_patient_index_no_delete BEFORE DELETE ON audit_patient_index BEGIN SELECT RAISE(ABORT, 'audit_patient_index is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER audit_actor_index_no_update BEFORE UPDATE ON audit_actor_index BEGIN SELECT RAISE(ABORT, 'audit_actor_index is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER audit_actor_index_no_delete BEFORE DELETE ON audit_actor_index BEGIN SELECT RAISE(ABORT, 'audit_actor_index is append-only'); END;
