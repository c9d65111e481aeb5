CREATE TABLE `stats_visit_pairs` (
	`scope` text NOT NULL,
	`day` text NOT NULL,
	`prev_day` text NOT NULL,
	`first_day` text NOT NULL,
	`patients` integer NOT NULL,
	PRIMARY KEY(`scope`, `day`, `prev_day`, `first_day`)
);
--> statement-breakpoint
DROP INDEX `encounters_department_patient_idx`;--> statement-breakpoint
CREATE INDEX `encounters_department_patient_idx` ON `encounters` (`department_id`,`patient_id`,`start_at`,`status`);