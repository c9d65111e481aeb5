CREATE TABLE `stats_appointments_monthly` (
	`month` text NOT NULL,
	`department_id` text NOT NULL,
	`doctor_id` text NOT NULL,
	`channel` text NOT NULL,
	`lead_days` integer NOT NULL,
	`booked` integer NOT NULL,
	`moved` integer NOT NULL,
	`cancelled` integer NOT NULL,
	`due` integer NOT NULL,
	`no_shows` integer NOT NULL,
	PRIMARY KEY(`month`, `department_id`, `doctor_id`, `channel`, `lead_days`)
);
--> statement-breakpoint
CREATE TABLE `stats_call_attempts_monthly` (
	`month` text NOT NULL,
	`department_id` text NOT NULL,
	`staff_id` text NOT NULL,
	`attempted` integer NOT NULL,
	`reached` integer NOT NULL,
	PRIMARY KEY(`month`, `department_id`, `staff_id`)
);
--> statement-breakpoint
CREATE TABLE `stats_discharges_monthly` (
	`month` text NOT NULL,
	`department_id` text NOT NULL,
	`doctor_id` text NOT NULL,
	`discharges` integer NOT NULL,
	`with_plan` integer NOT NULL,
	PRIMARY KEY(`month`, `department_id`, `doctor_id`)
);
--> statement-breakpoint
CREATE TABLE `stats_rollup_months` (
	`rollup` text NOT NULL,
	`month` text NOT NULL,
	`built_at` text NOT NULL,
	PRIMARY KEY(`rollup`, `month`)
);
--> statement-breakpoint
DROP INDEX `patients_created_idx`;--> statement-breakpoint
CREATE INDEX `patients_created_idx` ON `patients` (`created_at`,`merged_into_id`,`source`,`province`,`city`);