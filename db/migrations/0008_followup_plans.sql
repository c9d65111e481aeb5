CREATE TABLE `followup_enrolments` (
	`id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL,
	`plan_code` text NOT NULL,
	`plan_version` integer NOT NULL,
	`keep_version` integer NOT NULL,
	`encounter_id` text,
	`department_id` text,
	`trigger` text NOT NULL,
	`anchor_date` text NOT NULL,
	`reason` text NOT NULL,
	`status` text NOT NULL,
	`stop_reason` text,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`encounter_id`) REFERENCES `encounters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `followup_enrolments_plan_encounter_unique` ON `followup_enrolments` (`plan_code`,`encounter_id`);--> statement-breakpoint
CREATE INDEX `followup_enrolments_patient_idx` ON `followup_enrolments` (`patient_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `followup_enrolments_plan_idx` ON `followup_enrolments` (`plan_code`,`status`);--> statement-breakpoint
CREATE TABLE `followup_plans` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`version` integer NOT NULL,
	`status` text NOT NULL,
	`definition` text NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `followup_plans_code_version_unique` ON `followup_plans` (`code`,`version`);--> statement-breakpoint
CREATE TABLE `followup_steps` (
	`id` text PRIMARY KEY NOT NULL,
	`enrolment_id` text NOT NULL,
	`patient_id` text NOT NULL,
	`step_key` text NOT NULL,
	`plan_version` integer NOT NULL,
	`kind` text NOT NULL,
	`day` integer NOT NULL,
	`due_at` text NOT NULL,
	`status` text NOT NULL,
	`done_at` text,
	`result` text,
	FOREIGN KEY (`enrolment_id`) REFERENCES `followup_enrolments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `followup_steps_due_idx` ON `followup_steps` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `followup_steps_enrolment_idx` ON `followup_steps` (`enrolment_id`,`step_key`);--> statement-breakpoint
CREATE TABLE `followup_task_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`task_id` text NOT NULL,
	`at` text NOT NULL,
	`staff_id` text NOT NULL,
	`outcome` text NOT NULL,
	`notes` text,
	`response_id` text,
	FOREIGN KEY (`task_id`) REFERENCES `followup_tasks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `followup_task_attempts_task_idx` ON `followup_task_attempts` (`task_id`,`at`);--> statement-breakpoint
CREATE TABLE `followup_tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL,
	`step_id` text,
	`encounter_id` text,
	`department_id` text NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`questionnaire` text,
	`assignee_role` text NOT NULL,
	`assignee_id` text,
	`status` text NOT NULL,
	`due_at` text NOT NULL,
	`hours_from` text NOT NULL,
	`hours_to` text NOT NULL,
	`attempts` integer NOT NULL,
	`max_attempts` integer NOT NULL,
	`overdue_since` text,
	`outcome` text,
	`response_id` text,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`closed_at` text,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`step_id`) REFERENCES `followup_steps`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`encounter_id`) REFERENCES `encounters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignee_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `followup_tasks_worklist_idx` ON `followup_tasks` (`department_id`,`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `followup_tasks_assignee_idx` ON `followup_tasks` (`assignee_id`,`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `followup_tasks_patient_idx` ON `followup_tasks` (`patient_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `followup_tasks_overdue_idx` ON `followup_tasks` (`status`,`overdue_since`,`due_at`);--> statement-breakpoint
CREATE TABLE `followup_visits` (
	`id` text PRIMARY KEY NOT NULL,
	`patient_id` text NOT NULL,
	`department_id` text NOT NULL,
	`due_date` text NOT NULL,
	`task_id` text,
	`enrolment_id` text,
	`status` text NOT NULL,
	`appointment_id` text,
	`attended_encounter_id` text,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`task_id`) REFERENCES `followup_tasks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`enrolment_id`) REFERENCES `followup_enrolments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `followup_visits_patient_idx` ON `followup_visits` (`patient_id`,`due_date`);--> statement-breakpoint
CREATE INDEX `followup_visits_open_idx` ON `followup_visits` (`status`,`due_date`);--> statement-breakpoint
CREATE TABLE `questionnaire_invitation_links` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`invitation_id` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`invitation_id`) REFERENCES `questionnaire_invitations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `followup_invitation_sends` (
	`invitation_id` text PRIMARY KEY NOT NULL,
	`step_id` text,
	`channel` text,
	`sent_at` text NOT NULL,
	`reminders` integer NOT NULL,
	`reminded_at` text,
	FOREIGN KEY (`invitation_id`) REFERENCES `questionnaire_invitations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`step_id`) REFERENCES `followup_steps`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `followup_invitation_sends_due_idx` ON `followup_invitation_sends` (`reminders`,`sent_at`);--> statement-breakpoint
CREATE TABLE `questionnaire_link_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ip` text NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `questionnaire_link_failures_ip_idx` ON `questionnaire_link_failures` (`ip`,`at`);