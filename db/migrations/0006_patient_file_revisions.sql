CREATE TABLE `patient_file_revisions` (
	`patient_id` text PRIMARY KEY NOT NULL,
	`revision` integer NOT NULL
);
