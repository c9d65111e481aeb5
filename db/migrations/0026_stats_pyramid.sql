CREATE TABLE `stats_day_visitors` (
	`scope` text NOT NULL,
	`day` text NOT NULL,
	`visitors` blob NOT NULL,
	PRIMARY KEY(`scope`, `day`)
);
--> statement-breakpoint
CREATE TABLE `stats_rolled_demographics` (
	`patient_id` text PRIMARY KEY NOT NULL,
	`birth_date` text,
	`gender` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `stats_rolled_owners` (
	`encounter_id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL
);
