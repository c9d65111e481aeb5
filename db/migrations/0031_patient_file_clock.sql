-- One clock for all patient files (src/modules/patients/file-cache.ts): raised whenever any patient's file revision
-- is, so a kept file read at the same clock value is known current from this one row.
CREATE TABLE `patient_file_clock` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`value` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `patient_file_clock` (`id`, `value`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER patient_file_clock_on_first_revision AFTER INSERT ON patient_file_revisions
BEGIN
  UPDATE patient_file_clock SET value = value + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER patient_file_clock_on_revision AFTER UPDATE ON patient_file_revisions
BEGIN
  UPDATE patient_file_clock SET value = value + 1 WHERE id = 1;
END;
