CREATE TABLE `campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`segment` text NOT NULL,
	`body` text NOT NULL,
	`send_at` text NOT NULL,
	`status` text NOT NULL,
	`queued_count` integer DEFAULT 0 NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`queued_at` text,
	`cancelled_at` text
);
--> statement-breakpoint
CREATE INDEX `campaigns_created_idx` ON `campaigns` (`created_at`);--> statement-breakpoint
CREATE TABLE `care_reminders` (
	`id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`start_date` text NOT NULL,
	`end_date` text NOT NULL,
	`times_of_day` text NOT NULL,
	`drug` text,
	`dose` text,
	`recheck_date` text,
	`recheck_department_id` text,
	`bring` text,
	`text` text,
	`department_id` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`closed_at` text,
	`closed_by` text,
	`close_reason` text,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`recheck_department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `care_reminders_patient_idx` ON `care_reminders` (`patient_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `care_reminders_due_idx` ON `care_reminders` (`status`,`end_date`);--> statement-breakpoint
CREATE INDEX `care_reminders_department_idx` ON `care_reminders` (`department_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `job_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`job` text NOT NULL,
	`trigger` text NOT NULL,
	`slot` text,
	`started_at` text NOT NULL,
	`finished_at` text,
	`status` text NOT NULL,
	`counts` text,
	`error` text,
	`started_by` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `job_runs_job_idx` ON `job_runs` (`job`,`started_at`);--> statement-breakpoint
CREATE INDEX `job_runs_started_idx` ON `job_runs` (`started_at`);--> statement-breakpoint
CREATE TABLE `job_schedules` (
	`job` text PRIMARY KEY NOT NULL,
	`registered_at` text NOT NULL,
	`last_slot` text,
	`lease_run_id` text,
	`lease_holder` text,
	`lease_expires_at` text
);
--> statement-breakpoint
-- Corrected by hand: drizzle-kit 0.31 quotes an expression index as if it were a column name.
CREATE INDEX `patients_birth_month_day_idx` ON `patients` (substr("birth_date", 6),`id`);