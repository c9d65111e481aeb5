CREATE TABLE `followup_events` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`response_id` text NOT NULL,
	`patient_id` text NOT NULL,
	`department_id` text,
	`doctor_id` text,
	`questionnaire_url` text NOT NULL,
	`satisfaction` real,
	`nps` integer,
	`created_at` text NOT NULL,
	`handled_at` text,
	`handled_by` text,
	FOREIGN KEY (`response_id`) REFERENCES `questionnaire_responses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `followup_events_pending_idx` ON `followup_events` (`handled_at`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `questionnaire_answers` (
	`response_id` text NOT NULL,
	`link_id` text NOT NULL,
	`position` integer NOT NULL,
	`value_type` text NOT NULL,
	`value_number` real,
	`value_text` text,
	`value_code` text,
	`score` real,
	`tags` text NOT NULL,
	PRIMARY KEY(`response_id`, `link_id`, `position`),
	FOREIGN KEY (`response_id`) REFERENCES `questionnaire_responses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `questionnaire_invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`patient_id` text NOT NULL,
	`questionnaire_id` text NOT NULL,
	`encounter_id` text,
	`department_id` text,
	`doctor_id` text,
	`purpose` text NOT NULL,
	`status` text NOT NULL,
	`expires_at` text NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	`draft` text,
	`draft_saved_at` text,
	`answered_at` text,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`questionnaire_id`) REFERENCES `questionnaires`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`encounter_id`) REFERENCES `encounters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`doctor_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `questionnaire_invitations_token_unique` ON `questionnaire_invitations` (`token_hash`);--> statement-breakpoint
CREATE INDEX `questionnaire_invitations_patient_idx` ON `questionnaire_invitations` (`patient_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `questionnaire_responses` (
	`id` text PRIMARY KEY NOT NULL,
	`questionnaire_id` text NOT NULL,
	`invitation_id` text,
	`patient_id` text NOT NULL,
	`encounter_id` text,
	`department_id` text,
	`doctor_id` text,
	`source` text NOT NULL,
	`recorded_by` text NOT NULL,
	`authored_at` text NOT NULL,
	`month` text NOT NULL,
	`total_score` real,
	`sub_scores` text NOT NULL,
	`satisfaction` real,
	`nps` integer,
	`fhir` text NOT NULL,
	FOREIGN KEY (`questionnaire_id`) REFERENCES `questionnaires`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invitation_id`) REFERENCES `questionnaire_invitations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`encounter_id`) REFERENCES `encounters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`department_id`) REFERENCES `departments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`doctor_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `questionnaire_responses_invitation_unique` ON `questionnaire_responses` (`invitation_id`);--> statement-breakpoint
CREATE INDEX `questionnaire_responses_patient_idx` ON `questionnaire_responses` (`patient_id`,`authored_at`);--> statement-breakpoint
CREATE INDEX `questionnaire_responses_questionnaire_idx` ON `questionnaire_responses` (`questionnaire_id`,`authored_at`,`id`);--> statement-breakpoint
CREATE INDEX `questionnaire_responses_authored_idx` ON `questionnaire_responses` (`authored_at`,`id`);--> statement-breakpoint
CREATE TABLE `questionnaires` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`version` text NOT NULL,
	`title` text,
	`definition` text NOT NULL,
	`source_hash` text NOT NULL,
	`file` text NOT NULL,
	`loaded_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `questionnaires_url_version_unique` ON `questionnaires` (`url`,`version`);--> statement-breakpoint
CREATE TABLE `followup_satisfaction_rollup` (
	`questionnaire_url` text NOT NULL,
	`department_id` text NOT NULL,
	`month` text NOT NULL,
	`responses` integer NOT NULL,
	`satisfaction_sum` real NOT NULL,
	`satisfaction_count` integer NOT NULL,
	`nps_count` integer NOT NULL,
	`promoters` integer NOT NULL,
	`detractors` integer NOT NULL,
	PRIMARY KEY(`questionnaire_url`, `department_id`, `month`)
);
--> statement-breakpoint
CREATE INDEX `followup_satisfaction_rollup_month_idx` ON `followup_satisfaction_rollup` (`month`);