-- The log's lookups by patient, actor and time move from indexes on audit_log, kept up row by row on every read's
-- audit, to tables the audit writer fills in sorted chunks (db/schema/audit.ts). WITHOUT ROWID is written by hand:
-- drizzle-kit has no word for it; the key is the whole row, one B-tree instead of two.
CREATE TABLE `audit_patient_index` (
	`patient_id` text NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`patient_id`, `seq`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `audit_actor_index` (
	`actor_id` text NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`actor_id`, `seq`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `audit_time_index` (
	`at` text NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`at`, `seq`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `audit_index_state` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`indexed_through` integer NOT NULL
);
--> statement-breakpoint
-- The rows so far, each in its key's order, read from the old indexes before they go.
INSERT INTO `audit_patient_index` (`patient_id`, `seq`)
  SELECT `patient_id`, `seq` FROM `audit_log` INDEXED BY `audit_patient_idx` WHERE `patient_id` IS NOT NULL ORDER BY `patient_id`, `seq`;
--> statement-breakpoint
INSERT INTO `audit_actor_index` (`actor_id`, `seq`)
  SELECT `actor_id`, `seq` FROM `audit_log` INDEXED BY `audit_actor_idx` ORDER BY `actor_id`, `seq`;
--> statement-breakpoint
INSERT INTO `audit_time_index` (`at`, `seq`)
  SELECT `at`, `seq` FROM `audit_log` INDEXED BY `audit_at_idx` ORDER BY `at`, `seq`;
--> statement-breakpoint
INSERT INTO `audit_index_state` (`id`, `indexed_through`) VALUES (1, coalesce((SELECT max(`seq`) FROM `audit_log`), 0));
--> statement-breakpoint
DROP INDEX `audit_patient_idx`;
--> statement-breakpoint
DROP INDEX `audit_actor_idx`;
--> statement-breakpoint
DROP INDEX `audit_at_idx`;
--> statement-breakpoint
-- Append-only like the log they index: a row removed here would hide an audit row from a search.
CREATE TRIGGER audit_patient_index_no_update BEFORE UPDATE ON audit_patient_index BEGIN SELECT RAISE(ABORT, 'audit_patient_index is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER audit_patient_index_no_delete BEFORE DELETE ON audit_patient_index BEGIN SELECT RAISE(ABORT, 'audit_patient_index is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER audit_actor_index_no_update BEFORE UPDATE ON audit_actor_index BEGIN SELECT RAISE(ABORT, 'audit_actor_index is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER audit_actor_index_no_delete BEFORE DELETE ON audit_actor_index BEGIN SELECT RAISE(ABORT, 'audit_actor_index is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER audit_time_index_no_update BEFORE UPDATE ON audit_time_index BEGIN SELECT RAISE(ABORT, 'audit_time_index is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER audit_time_index_no_delete BEFORE DELETE ON audit_time_index BEGIN SELECT RAISE(ABORT, 'audit_time_index is append-only'); END;
--> statement-breakpoint
-- The mark only moves forward: below it a row is found through the indexes, above it in the tail, so a mark moved
-- back would find rows twice. A mark moved too far hides rows from searches; npm run audit:verify reports those.
CREATE TRIGGER audit_index_state_forward BEFORE UPDATE ON audit_index_state WHEN NEW.indexed_through < OLD.indexed_through
BEGIN SELECT RAISE(ABORT, 'audit_index_state only moves forward'); END;
--> statement-breakpoint
CREATE TRIGGER audit_index_state_no_delete BEFORE DELETE ON audit_index_state BEGIN SELECT RAISE(ABORT, 'audit_index_state is kept'); END;
