CREATE TABLE `stats_diagnosis_daily` (
	`day` text NOT NULL,
	`department_id` text NOT NULL,
	`chapter` text NOT NULL,
	`diagnoses` integer NOT NULL,
	PRIMARY KEY(`day`, `department_id`, `chapter`)
);
--> statement-breakpoint
CREATE INDEX `stats_diagnosis_daily_department_idx` ON `stats_diagnosis_daily` (`department_id`,`day`);--> statement-breakpoint
CREATE TABLE `stats_rfm_movement` (
	`period` text NOT NULL,
	`department_id` text NOT NULL,
	`from_segment` text NOT NULL,
	`to_segment` text NOT NULL,
	`patients` integer NOT NULL,
	PRIMARY KEY(`period`, `department_id`, `from_segment`, `to_segment`)
);
--> statement-breakpoint
CREATE TABLE `stats_rfm_snapshots` (
	`period` text PRIMARY KEY NOT NULL,
	`as_of` text NOT NULL,
	`previous_as_of` text NOT NULL,
	`built_at` text NOT NULL
);
--> statement-breakpoint
DROP INDEX `questionnaire_responses_authored_idx`;--> statement-breakpoint
CREATE INDEX `questionnaire_responses_authored_idx` ON `questionnaire_responses` (`authored_at`,`id`,`satisfaction`,`patient_id`,`department_id`);--> statement-breakpoint
DROP INDEX `encounters_patient_idx`;--> statement-breakpoint
DROP INDEX `encounters_start_idx`;--> statement-breakpoint
CREATE INDEX `encounters_patient_idx` ON `encounters` (`patient_id`,`start_at`,`status`);--> statement-breakpoint
CREATE INDEX `encounters_start_idx` ON `encounters` (`start_at`,`status`,`patient_id`,`department_id`);--> statement-breakpoint
CREATE INDEX `patients_created_idx` ON `patients` (`created_at`);--> statement-breakpoint
CREATE INDEX `messages_created_idx` ON `messages` (`created_at`,`channel`,`purpose`,`status`);